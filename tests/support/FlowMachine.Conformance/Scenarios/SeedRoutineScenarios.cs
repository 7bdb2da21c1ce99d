using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Seed 000's routine and the ways a waiting flow is pushed on.</summary>
public abstract class SeedRoutineScenarios : ScenarioBase
{
    private const string Seed000 = "tasks: [test.One, test.Two, test.Wait, test.Three]";

    [Fact]
    public async Task Seed_routine_waits_then_a_failing_check_keeps_it_waiting_and_a_passing_check_completes_it()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync(Seed000, new JsonObject { ["foo"] = "bar" });

        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal("Wait for external", view.Flow.WaitReason);
        Assert.Equal(2, view.Flow.Position);
        Assert.Equal(StepState.Completed, view.Step("test.One").State);
        Assert.Equal(StepState.Completed, view.Step("test.Two").State);
        Assert.Equal(StepState.Waiting, view.Step("test.Wait").State);
        Assert.Equal(StepState.Pending, view.Step("test.Three").State);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.SubmitAsync(id, new JsonObject { ["ok"] = false })).Status);
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal(2, view.Flow.Position);
        Assert.Null(view.Step("test.Wait").Result);
        Assert.Equal(StepState.Waiting, view.Step("test.Wait").State);
        Assert.Contains(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.CheckNotReady && e.StepKey == "test.Wait");

        await h.Engine.SubmitAsync(id, new JsonObject { ["ok"] = true });
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(4, view.Flow.Position);
        Assert.Equal(StepState.Completed, view.Step("test.Wait").State);
        Assert.True(view.Step("test.Wait").Result!["ok"]!.GetValue<bool>());
        Assert.Equal(StepState.Completed, view.Step("test.Three").State);
        Assert.All(view.Steps, s => Assert.Equal(StepState.Completed, s.State));
        Assert.Equal("test.Three", view.Flow.Result!["task"]!.GetValue<string>());
    }

    [Fact]
    public async Task Push_stores_the_value_as_the_waiting_steps_result_and_runs_the_next_step()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync(Seed000);
        await h.RunAsync(id);

        var pushed = await h.Engine.PushAsync(id, new JsonObject { ["foo"] = "bar" });
        Assert.Equal(CommandStatus.Accepted, pushed.Status);
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("bar", view.Step("test.Wait").Result!["foo"]!.GetValue<string>());
        var seen = view.Step("test.Three").Result!["seen"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("test.Wait", seen);
        Assert.Contains(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.StepPushed && e.StepKey == "test.Wait");
    }

    [Fact]
    public async Task Push_when_nothing_waits_is_refused_as_a_conflict()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [test.One]");
        Assert.Equal(FlowState.Completed, view.State);

        var pushed = await h.Engine.PushAsync(view.Flow.Id, JsonValue.Create(1));
        Assert.Equal(CommandStatus.Conflict, pushed.Status);
        Assert.Contains("no step waits", pushed.Message);
        Assert.Equal(CommandStatus.NotFound, (await h.Engine.PushAsync("nope", null)).Status);
    }

    [Fact]
    public async Task Flow_input_reaches_every_task_and_each_task_sees_earlier_results_by_key()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [test.One, test.Two, test.Three]", new JsonObject { ["who"] = "ada" });

        Assert.Equal(FlowState.Completed, view.State);
        foreach (var step in view.Steps)
        {
            Assert.Equal("ada", step.Result!["input"]!["who"]!.GetValue<string>());
        }

        string[] Seen(string key) => [.. view.Step(key).Result!["seen"]!.AsArray().Select(n => n!.GetValue<string>())];
        Assert.Empty(Seen("test.One"));
        Assert.Equal(["test.One"], Seen("test.Two"));
        Assert.Equal(["test.One", "test.Two"], Seen("test.Three"));
    }

    [Fact]
    public async Task A_wait_at_the_last_step_can_be_resumed()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [test.One, test.Wait]");
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal(1, view.Flow.Position);

        await h.Engine.SubmitAsync(id, new JsonObject { ["ok"] = true });
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(2, view.Flow.Position);
    }

    [Fact]
    public async Task The_same_task_twice_in_a_routine_runs_twice()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [t.count, test.One, t.count]");

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(3, view.Steps.Count);
        Assert.Equal(1, Executions.Of(view.Flow.Id, "t.count"));
        Assert.Equal(1, Executions.Of(view.Flow.Id, "t.count#2"));
        Assert.All(view.Steps, s => Assert.Equal(StepState.Completed, s.State));
    }

    [Fact]
    public async Task Reset_restarts_from_the_first_step_with_results_cleared_and_history_kept()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [t.count, test.Wait, t.count]");
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        var before = (await h.HistoryAsync(id)).Count;

        await h.Engine.ResetAsync(id, "ops");
        var afterReset = await h.Engine.TickAsync(id);
        var history = await h.HistoryAsync(id);

        Assert.True(history.Count > before);
        Assert.Contains(history, e => e.Kind == HistoryKinds.FlowReset);
        Assert.Equal(HistoryKinds.FlowCreated, history[0].Kind);
        Assert.Equal(2, Executions.Of(id, "t.count"));
        Assert.Null(afterReset.Step("test.Wait").Result);
        Assert.Equal(1, afterReset.Step("t.count").Attempts);
        Assert.EndsWith("/r1", afterReset.Step("t.count").Result!["key"]!.GetValue<string>());

        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal(1, view.Flow.Position);
    }

    [Fact]
    public async Task Moving_the_position_past_a_waiting_step_runs_the_next_one()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [test.One, test.Wait, t.count]");
        await h.RunAsync(id);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.SetPositionAsync(id, 2, "ops")).Status);
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(StepState.Skipped, view.Step("test.Wait").State);
        Assert.Equal(StepState.Completed, view.Step("t.count").State);
        Assert.Equal(CommandStatus.Conflict, (await h.Engine.SetPositionAsync(id, 7)).Status);
    }

    [Fact]
    public async Task Starting_with_an_existing_key_returns_the_existing_flow()
    {
        await using var h = await NewHarnessAsync();
        var first = await h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [test.One]", Key = "order-42" });
        var second = await h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [test.Two]", Key = "order-42" });

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Flow.Id, second.Flow.Id);
        var page = await h.Store.ListFlowsAsync(new FlowQuery(), default);
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task The_spec_key_makes_a_start_idempotent_too()
    {
        await using var h = await NewHarnessAsync();
        const string spec = "key: some-unique-key-12345\ntasks: [test.One]";
        var a = await h.StartAsync(spec);
        var b = await h.StartAsync(spec);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Cancel_ends_a_waiting_flow_cancelled_and_skips_the_rest()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [test.Wait, t.count]");
        await h.RunAsync(id);

        await h.Engine.CancelAsync(id, "no longer needed", "ops");
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Cancelled, view.State);
        Assert.Equal("no longer needed", view.Flow.Error);
        Assert.All(view.Steps, s => Assert.Equal(StepState.Skipped, s.State));
        Assert.Equal(0, Executions.Of(id, "t.count"));
        Assert.Equal(CommandStatus.Conflict, (await h.Engine.CancelAsync(id)).Status);
    }
}
