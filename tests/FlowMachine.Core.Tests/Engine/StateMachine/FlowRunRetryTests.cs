using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using static FlowMachine.Tests.Engine.StateMachine.RunBuilder;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>Retrying an ended flow from where it stopped, and steps whose worker was lost.</summary>
public sealed class FlowRunRetryTests
{
    [Fact]
    public void After_a_fail_fast_failure_the_failed_and_skipped_steps_run_again_and_completed_ones_never()
    {
        var run = Begun("""
            tasks:
              - { key: root, task_type: noop }
              - { key: bad, task_type: noop, precursors: [root] }
              - { key: slow, task_type: noop, precursors: [root] }
              - { key: after, task_type: noop, precursors: [slow] }
            """);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result("kept"), At(1));
        Start(run, At(1));
        run.ApplyFailure(1, "nope", null, permanent: true, At(2));
        run.Flush(Owner, At(2), release: true);
        Assert.False(run.IsActive);

        run.Retry("ann", At(3));

        Assert.Equal(FlowState.Running, run.Flow.State);
        Assert.Null(run.Flow.Error);
        Assert.Equal([StepState.Completed, StepState.Pending, StepState.Pending, StepState.Pending], States(run));
        Assert.Equal("kept", run.Steps[0].Result!.GetValue<string>());
        Assert.Equal([(1, 2), (2, 2)], Start(run, At(3))); // attempts go on counting
        var transition = run.Flush(Owner, At(3), release: false);
        Assert.Equal(FlowState.Running, transition.Flow.State);
        var retried = transition.History.Single(e => e.Kind == HistoryKinds.FlowRetried);
        Assert.Equal("ann", retried.Detail!["actor"]!.GetValue<string>());
        Assert.Equal(["bad", "slow", "after"], retried.Detail["steps"]!.AsArray().Select(n => n!.GetValue<string>()));

        run.ApplyResult(1, Outcome.Result(null), At(4));
        run.ApplyResult(2, Outcome.Result(null), At(4));
        Assert.Equal([(3, 1)], Start(run, At(4)));
        run.ApplyResult(3, Outcome.Result(null), At(5));
        Assert.Equal(FlowState.Completed, run.Flush(Owner, At(5), release: true).Flow.State);
    }

    [Fact]
    public void After_a_failed_branch_its_skipped_dependants_run_again_and_the_finished_branch_does_not()
    {
        var run = Begun("""
            cfg: { fail_fast: false }
            tasks:
              - { key: root, task_type: noop }
              - { key: bad, task_type: noop, precursors: [root] }
              - { key: good, task_type: noop, precursors: [root] }
              - { key: after_bad, task_type: noop, precursors: [bad] }
              - { key: after_good, task_type: noop, precursors: [good] }
            """);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(null), At(1));
        Start(run, At(1));
        run.ApplyFailure(1, "nope", null, permanent: true, At(2));
        run.ApplyResult(2, Outcome.Result(null), At(2));
        Start(run, At(2));
        run.ApplyResult(4, Outcome.Result(null), At(3));
        Assert.Equal(FlowState.Failed, run.Flush(Owner, At(3), release: true).Flow.State);

        run.Retry(null, At(4));

        Assert.Equal([StepState.Completed, StepState.Pending, StepState.Completed, StepState.Pending, StepState.Completed], States(run));
        Assert.Equal([(1, 2)], Start(run, At(4)));
        run.ApplyResult(1, Outcome.Result(null), At(5));
        Assert.Equal([(3, 1)], Start(run, At(5)));
        run.ApplyResult(3, Outcome.Result(null), At(6));
        Assert.Equal(FlowState.Completed, run.Flush(Owner, At(6), release: true).Flow.State);
    }

    [Fact]
    public void A_branch_no_switch_chose_stays_skipped()
    {
        var run = Begun("""
            cfg: { fail_fast: false }
            tasks:
              - { key: pick, task_type: noop }
              - { key: yes, task_type: noop, precursors: [pick] }
              - { key: no, task_type: noop, precursors: [pick] }
              - { key: after_no, task_type: noop, precursors: [no] }
            """);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Choose(null, "yes"), At(1));
        Start(run, At(1));
        run.ApplyFailure(1, "nope", null, permanent: true, At(2));
        Assert.Equal(FlowState.Failed, run.Flush(Owner, At(2), release: true).Flow.State);
        Assert.StartsWith("skipped: no way in", run.Steps[3].Error, StringComparison.Ordinal);

        run.Retry(null, At(3));

        Assert.Equal([StepState.Completed, StepState.Pending, StepState.Skipped, StepState.Skipped], States(run));
        Assert.Equal([(1, 2)], Start(run, At(3)));
        run.ApplyResult(1, Outcome.Result(null), At(4));
        Assert.Equal(FlowState.Completed, run.Flush(Owner, At(4), release: true).Flow.State);
    }

    [Fact]
    public void A_killed_flow_goes_on_after_the_step_that_killed_it()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }, { key: c, task_type: noop }]");
        Start(run, T0);
        run.ApplyKill(0, Outcome.Kill("stop here"), At(1));
        Assert.Equal(FlowState.Killed, run.Flow.State);

        run.Retry("ops", At(2));

        Assert.Equal([StepState.Completed, StepState.Pending, StepState.Pending], States(run));
        Assert.Equal([(1, 1)], Start(run, At(2)));
    }

    [Fact]
    public void A_flow_cancelled_while_waiting_runs_the_waiting_step_again()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: gate, task_type: wait }, { key: c, task_type: noop }]");
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(null), At(1));
        Start(run, At(1));
        run.ApplyWait(1, Outcome.Wait("sign off"), At(1));
        run.Cancel("not now", At(2));
        Assert.Equal(FlowState.Cancelled, run.Flow.State);
        Assert.Equal("skipped: the flow was cancelled", run.Steps[1].Error);

        run.Retry(null, At(3));

        Assert.Null(run.Steps[1].WaitReason);
        Assert.Null(run.Steps[1].ResumeToken);
        Assert.Equal([(1, 2)], Start(run, At(3)));
    }

    [Fact]
    public void A_step_whose_child_flow_failed_spawns_a_new_child_when_retried()
    {
        var run = Begun("tasks: [{ key: fan, task_type: noop }, { key: after, task_type: noop }]");
        Start(run, T0);
        run.ApplySpawn(0, Outcome.SpawnTask("noop"), [new NewFlow(new FlowRecord { Id = "child-1", SpecJson = "{}" }, [], [])], At(1));
        run.ChildFinished(new FlowCommand(1, "flow-1", FlowCommand.ChildFinished, "fan", new JsonObject
        {
            ["child"] = "child-1",
            ["index"] = 0,
            ["state"] = "FAILED",
            ["error"] = "broken",
        }, null, At(2)), At(2));
        Assert.Equal(FlowState.Failed, run.Flow.State);

        run.Retry(null, At(3));

        Assert.Null(run.Steps[0].Spawn);
        Assert.Equal([(0, 2)], Start(run, At(3))); // the step's task runs again and spawns a new child
    }

    [Theory]
    [InlineData(FlowState.Completed)]
    [InlineData(FlowState.Running)]
    [InlineData(FlowState.Waiting)]
    [InlineData(FlowState.Pending)]
    public void Only_a_failed_killed_or_cancelled_flow_can_be_retried(FlowState state) => Assert.False(FlowRun.CanRetry(state));

    [Fact]
    public void A_step_left_running_by_a_lost_worker_counts_a_recovery_and_runs_again()
    {
        var run = LeftRunning(recoveries: 2, handedBack: false);

        run.RecoverLost(maxRecoveries: 5, T0);

        Assert.Equal((StepState.Pending, 3), (run.Steps[0].State, run.Steps[0].Recoveries));
        Assert.Equal([(0, 2)], Start(run, T0));
        var recovered = run.Flush(Owner, T0, release: false).History.Single(e => e.Kind == HistoryKinds.StepRecovered);
        Assert.Equal(3, recovered.Detail!["recoveries"]!.GetValue<int>());
    }

    [Fact]
    public void A_step_a_stopping_worker_handed_back_is_not_counted_as_lost()
    {
        var run = LeftRunning(recoveries: 5, handedBack: true);

        run.RecoverLost(maxRecoveries: 5, T0);

        Assert.Equal((StepState.Pending, 5), (run.Steps[0].State, run.Steps[0].Recoveries));
        Assert.Equal([(0, 2)], Start(run, T0));
    }

    [Fact]
    public void A_step_lost_more_than_the_limit_fails_saying_so_and_a_retry_starts_the_count_again()
    {
        var run = LeftRunning(recoveries: 5, handedBack: false);

        run.RecoverLost(maxRecoveries: 5, T0);

        Assert.Equal(FlowState.Failed, run.Flow.State);
        Assert.Equal((StepState.Failed, 6), (run.Steps[0].State, run.Steps[0].Recoveries));
        Assert.Equal("the worker running this step was lost 6 times", run.Steps[0].Error);
        Assert.Contains("the worker running this step was lost 6 times", run.Flow.Error, StringComparison.Ordinal);
        Assert.Empty(Start(run, T0));

        run.Retry("ann", At(1));

        Assert.Equal((StepState.Pending, 0), (run.Steps[0].State, run.Steps[0].Recoveries));
        Assert.Equal([(0, 2)], Start(run, At(1)));
    }

    [Fact]
    public void A_stopping_worker_hands_its_steps_in_flight_back_still_running()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }]");
        Start(run, T0);

        run.HandBack(At(1));

        var transition = run.Flush(Owner, At(1), release: true);
        Assert.Equal((StepState.Running, At(1)), (transition.Steps.Single().State, transition.Steps.Single().FinishedAt));
        Assert.Null(StepDocument.Of(transition.Steps.Single()).FinishedAt); // documents show it still running
    }

    private static FlowRun LeftRunning(int recoveries, bool handedBack)
    {
        var run = new RunBuilder().Build("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]", steps =>
        {
            steps[0].State = StepState.Running;
            steps[0].Attempts = 1;
            steps[0].StartedAt = T0;
            steps[0].Recoveries = recoveries;
            steps[0].FinishedAt = handedBack ? T0 : null;
        });
        run.Begin(T0);
        return run;
    }
}
