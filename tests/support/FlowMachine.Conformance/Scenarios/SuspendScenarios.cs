using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Suspending a flow while a worker holds it: the step in flight commits, no further step starts.</summary>
public abstract class SuspendScenarios : ScenarioBase
{
    private const string Spec = """
        tasks:
          - { key: a, task_type: t.gate }
          - { key: b, task_type: t.count }
        """;

    [Fact]
    public async Task A_flow_suspended_while_its_step_runs_commits_the_step_and_runs_nothing_more_until_resumed()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync(Spec);
        var run = h.RunAsync(id);
        await GateTask.EnteredAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HoldStatus.Changed, (await h.Store.SetFlowSuspendedAsync(id, true, "ops", h.Time.GetUtcNow(), default)).Status);
        GateTask.Open(id);
        var held = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StepState.Completed, held.Step("a").State);
        Assert.Equal(StepState.Pending, held.Step("b").State);
        Assert.Equal(0, held.Step("b").Attempts);
        Assert.Equal(0, Executions.Of(id, "b"));
        Assert.True(held.Flow.Suspended);
        Assert.Null(held.Flow.LeaseOwner);
        Assert.Contains(await h.HistoryAsync(id), e => e.Kind == "flow.suspended");

        // Not claimed again: running it here does nothing.
        var still = await h.RunAsync(id);
        Assert.Equal(StepState.Pending, still.Step("b").State);
        Assert.Equal(0, Executions.Of(id, "b"));

        Assert.Equal(HoldStatus.Changed, (await h.Store.SetFlowSuspendedAsync(id, false, "ops", h.Time.GetUtcNow(), default)).Status);
        var done = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, done.State);
        Assert.Equal(1, Executions.Of(id, "a"));
        Assert.Equal(1, Executions.Of(id, "b"));
        Assert.Equal(1, done.Step("b").Attempts);
        Assert.False(done.Flow.Suspended);
        Assert.Contains(await h.HistoryAsync(id), e => e.Kind == "flow.resumed");
    }

    [Fact]
    public async Task A_flow_of_a_paused_routine_waits_for_the_routine_to_resume()
    {
        await using var h = await NewHarnessAsync();
        await h.Store.SaveRoutineAsync("counted", """{"tasks":[{"key":"b","task_type":"t.count"}]}""", null, h.Time.GetUtcNow(), default);
        await h.Store.SetRoutinePausedAsync("counted", true, "ops", h.Time.GetUtcNow(), default);
        var started = await h.Engine.StartAsync(new StartFlowRequest { Routine = "counted" });
        var id = started.Flow.Id;

        var held = await h.RunAsync(id);
        Assert.Equal(FlowState.Pending, held.State);
        Assert.True(held.Flow.RoutinePaused);
        Assert.Equal(0, Executions.Of(id, "b"));

        await h.Store.SetRoutinePausedAsync("counted", false, "ops", h.Time.GetUtcNow(), default);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);
        Assert.Equal(1, Executions.Of(id, "b"));
    }
}
