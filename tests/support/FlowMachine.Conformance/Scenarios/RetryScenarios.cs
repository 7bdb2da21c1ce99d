using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Retrying ended flows from where they stopped, and the limit on steps whose worker is lost again and again.</summary>
public abstract class RetryScenarios : ScenarioBase
{
    [Fact]
    public async Task A_failed_flow_goes_on_from_the_failed_step_and_completed_steps_never_run_again()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            tasks:
              - { key: first, task_type: t.count }
              - { key: shaky, task_type: t.flaky, task_params: { succeed_on: 2 } }
              - { key: last, task_type: t.count }
            """);
        Assert.Equal(FlowState.Failed, (await h.RunAsync(id)).State);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RetryAsync(id, "ann")).Status);
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal((1, 2, 1), (Executions.Of(id, "first"), Executions.Of(id, "shaky"), Executions.Of(id, "last")));
        Assert.Equal(2, view.Step("shaky").Attempts); // attempts go on counting
        Assert.Equal(1, view.Step("first").Result!["attempt"]!.GetValue<int>());
        var retried = (await h.HistoryAsync(id)).Single(e => e.Kind == HistoryKinds.FlowRetried);
        Assert.Equal("ann", retried.Detail!["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_branch_and_its_skipped_dependants_run_again_and_the_other_branch_does_not()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            cfg: { fail_fast: false }
            tasks:
              - { key: root, task_type: t.count }
              - { key: bad, task_type: t.flaky, task_params: { succeed_on: 2 }, precursors: [root] }
              - { key: good, task_type: t.count, precursors: [root] }
              - { key: after_bad, task_type: t.count, precursors: [bad] }
            """);
        var failed = await h.RunAsync(id);
        Assert.Equal(FlowState.Failed, failed.State);
        Assert.Equal(StepState.Skipped, failed.Step("after_bad").State);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RetryAsync(id)).Status);

        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);
        Assert.Equal((1, 2, 1, 1), (Executions.Of(id, "root"), Executions.Of(id, "bad"), Executions.Of(id, "good"), Executions.Of(id, "after_bad")));
    }

    [Fact]
    public async Task A_killed_flow_goes_on_after_the_step_that_killed_it()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: first, task_type: t.count }, { key: stop, task_type: kill, task_params: { reason: enough } }, { key: rest, task_type: t.count }]");
        Assert.Equal(FlowState.Killed, (await h.RunAsync(id)).State);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RetryAsync(id)).Status);

        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal((1, 1), (Executions.Of(id, "first"), Executions.Of(id, "rest")));
        Assert.Equal(1, view.Step("stop").Attempts);
    }

    [Fact]
    public async Task A_flow_cancelled_while_waiting_waits_again_and_can_then_finish()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: first, task_type: t.count }, { key: gate, task_type: wait }, { key: after, task_type: t.count }]");
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        Assert.Equal(CommandStatus.Accepted, (await h.Engine.CancelAsync(id, "not now")).Status);
        Assert.Equal(FlowState.Cancelled, (await h.RunAsync(id)).State);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RetryAsync(id)).Status);
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal(2, view.Step("gate").Attempts);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.PushAsync(id, JsonValue.Create("ok"))).Status);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);
        Assert.Equal((1, 1), (Executions.Of(id, "first"), Executions.Of(id, "after")));
    }

    [Fact]
    public async Task Retrying_a_completed_or_waiting_flow_is_a_conflict_and_changes_nothing()
    {
        await using var h = await NewHarnessAsync();
        var done = await h.StartAsync("tasks: [noop]");
        Assert.Equal(FlowState.Completed, (await h.RunAsync(done)).State);
        var waiting = await h.StartAsync("tasks: [{ key: gate, task_type: wait }]");
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(waiting)).State);
        var historyBefore = (await h.HistoryAsync(waiting)).Count;

        var completed = await h.Engine.RetryAsync(done);
        var running = await h.Engine.RetryAsync(waiting);

        Assert.Equal(CommandStatus.Conflict, completed.Status);
        Assert.Contains("COMPLETED", completed.Message, StringComparison.Ordinal);
        Assert.Equal(CommandStatus.Conflict, running.Status);
        Assert.Contains("WAITING", running.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Store.GetCommandsAsync(waiting, CancellationToken.None));
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(waiting)).State);
        Assert.Equal(historyBefore, (await h.HistoryAsync(waiting)).Count);
        Assert.Equal(CommandStatus.NotFound, (await h.Engine.RetryAsync("nope")).Status);
    }

    [Fact]
    public async Task A_step_whose_worker_is_lost_counts_it_durably_and_runs_again()
    {
        await using var h = await NewHarnessAsync();
        var id = await LeftRunningByLostWorkerAsync(h, recoveries: 1);

        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Completed, view.State);
        var step = (await h.Store.GetStepsAsync(id, CancellationToken.None)).Single(s => s.Key == "crashy");
        Assert.Equal((2, 2), (step.Recoveries, step.Attempts));
        Assert.Contains(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.StepRecovered);
    }

    [Fact]
    public async Task A_step_whose_worker_was_lost_too_often_fails_saying_so_and_a_retry_runs_it_again()
    {
        await using var h = await NewHarnessAsync();
        var id = await LeftRunningByLostWorkerAsync(h, recoveries: FlowMachineDefaults.Engine.MaxRecoveries);

        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal("the worker running this step was lost 6 times", view.Step("crashy").Error);
        Assert.Equal(6, (await h.Store.GetStepsAsync(id, CancellationToken.None)).Single(s => s.Key == "crashy").Recoveries);
        Assert.Equal(0, Executions.Of(id, "crashy"));

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RetryAsync(id, "ops")).Status);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);
        var step = (await h.Store.GetStepsAsync(id, CancellationToken.None)).Single(s => s.Key == "crashy");
        Assert.Equal((0, 2), (step.Recoveries, step.Attempts));
    }

    // A flow whose step another worker ("ghost") was running when it vanished: its lease has run out.
    private static async Task<string> LeftRunningByLostWorkerAsync(EngineHarness h, int recoveries)
    {
        var id = await h.StartAsync("tasks: [{ key: crashy, task_type: t.count }]");
        var claimed = (await h.Store.ClaimFlowAsync(id, "ghost", h.Time.GetUtcNow(), TimeSpan.FromSeconds(5), CancellationToken.None))!;
        var flow = claimed.Flow.Clone();
        flow.State = FlowState.Running;
        var step = claimed.Steps[0].Clone();
        step.State = StepState.Running;
        step.Attempts = 1;
        step.StartedAt = h.Time.GetUtcNow();
        step.Recoveries = recoveries;
        await h.Store.CommitAsync(new FlowTransition { LeaseOwner = "ghost", Flow = flow, Steps = [step], StateChanged = true }, CancellationToken.None);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        return id;
    }
}
