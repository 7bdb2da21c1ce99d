using FlowMachine.Engine;
using FlowMachine.Storage;
using static FlowMachine.Tests.Engine.StateMachine.RunBuilder;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>Failures, retries and the ways a flow ends early.</summary>
public sealed class FlowRunEndingTests
{
    [Fact]
    public void A_retry_policy_with_backoff_sets_the_time_of_each_next_attempt()
    {
        var run = Begun("tasks: [{ key: flaky, task_type: noop, retry: { attempts: 3, delay: 10, factor: 2 } }, { key: after, task_type: noop }]");
        Start(run, T0);

        run.ApplyFailure(0, "boom", null, permanent: false, At(1));

        Assert.Equal(StepState.Pending, run.Steps[0].State);
        Assert.Equal(At(11), run.Steps[0].NotBefore); // the first retry after 10 s
        Assert.Equal("boom", run.Steps[0].Error);
        Assert.False(run.HasReadyNow(At(10)));
        Assert.Empty(Start(run, At(10)));
        var waiting = run.Flush(Owner, At(10), release: true);
        Assert.Equal(FlowState.Running, waiting.Flow.State); // a retry is due later
        Assert.Equal(At(11), waiting.Flow.NextRunAt);
        Assert.Equal([HistoryKinds.FlowStarted, HistoryKinds.StepStarted, HistoryKinds.StepRetry], Kinds(waiting));
        var retry = waiting.History[^1];
        Assert.Equal(1, retry.Detail!["attempt"]!.GetValue<int>());
        Assert.Equal(At(11), retry.Detail!["next_at"]!.GetValue<DateTimeOffset>());

        Assert.Equal([(0, 2)], Start(run, At(11)));
        Assert.Null(run.Steps[0].Error);
        run.ApplyFailure(0, "boom again", null, permanent: false, At(12));
        Assert.Equal(At(32), run.Steps[0].NotBefore); // then 20 s: the delay doubles

        Assert.Equal([(0, 3)], Start(run, At(32)));
        run.ApplyFailure(0, "still broken", null, permanent: false, At(33));
        Assert.Equal(StepState.Failed, run.Steps[0].State); // three attempts in all
        Assert.Equal(FlowState.Failed, run.Flow.State);
        Assert.Equal("step 'flaky' (noop) failed after 3 attempt(s): still broken", run.Flow.Error);
    }

    [Fact]
    public void A_permanent_failure_is_not_retried()
    {
        var run = Begun("tasks: [{ key: bad, task_type: noop, retry: { attempts: 5 } }]");
        Start(run, T0);

        run.ApplyFailure(0, "bad params", null, permanent: true, At(1));

        Assert.Equal(StepState.Failed, run.Steps[0].State);
        Assert.Equal(1, run.Steps[0].Attempts);
        Assert.Equal(FlowState.Failed, run.Flow.State);
    }

    [Fact]
    public void With_fail_fast_the_first_failure_ends_the_flow_cancels_running_siblings_and_skips_the_rest()
    {
        var run = Begun("""
            tasks:
              - { key: root, task_type: noop }
              - { key: bad, task_type: noop, precursors: [root] }
              - { key: slow, task_type: noop, precursors: [root] }
              - { key: after, task_type: noop, precursors: [slow] }
            """);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(null), At(1));
        Start(run, At(1));

        run.ApplyFailure(1, "nope", null, permanent: false, At(2));

        Assert.Equal(FlowState.Failed, run.Flow.State);
        Assert.Equal([StepState.Completed, StepState.Failed, StepState.Skipped, StepState.Skipped], States(run));
        Assert.Equal("skipped: the flow failed", run.Steps[3].Error);
        Assert.Equal([2], run.TakeCancelRequests());
        Assert.Empty(run.TakeCancelRequests());
        var transition = run.Flush(Owner, At(2), release: true);
        Assert.Null(transition.Flow.NextRunAt);
        Assert.Equal(2, transition.History.Single(e => e.Kind == HistoryKinds.FlowFailed).Detail!["skipped"]!.GetValue<int>());
    }

    [Fact]
    public void Without_fail_fast_other_branches_go_on_and_the_flow_fails_at_the_end_with_every_error()
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

        run.ApplyFailure(1, "nope", null, permanent: false, At(2));

        Assert.Equal(FlowState.Running, run.Flow.State);
        Assert.Equal(StepState.Skipped, run.Steps[3].State);
        Assert.Equal("skipped: no way in (bad FAILED)", run.Steps[3].Error);
        Assert.Empty(run.TakeCancelRequests());
        run.ApplyResult(2, Outcome.Result(null), At(3));
        Assert.Equal([(4, 1)], Start(run, At(3)));
        run.ApplyResult(4, Outcome.Result(null), At(4));

        var transition = run.Flush(Owner, At(4), release: true);
        Assert.Equal(FlowState.Failed, transition.Flow.State);
        Assert.Equal("step 'bad' (noop) failed after 1 attempt(s): nope", transition.Flow.Error);
    }

    [Fact]
    public void Done_completes_the_flow_with_its_value_and_skips_the_remaining_steps()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }, { key: c, task_type: noop }]");
        Start(run, T0);

        run.ApplyDone(0, Outcome.Done(new { total = 3 }), At(1));

        Assert.Equal(FlowState.Completed, run.Flow.State);
        Assert.Equal(3, run.Flow.Result!["total"]!.GetValue<int>());
        Assert.Equal([StepState.Completed, StepState.Skipped, StepState.Skipped], States(run));
        Assert.Equal("skipped: the flow completed early", run.Steps[2].Error);
        Assert.Empty(Start(run, At(1)));
        Assert.Equal(3, run.Flush(Owner, At(1), release: true).Flow.Position);
    }

    [Fact]
    public void Kill_ends_the_flow_killed_with_the_reason_and_skips_the_rest()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]");
        Start(run, T0);

        run.ApplyKill(0, Outcome.Kill("out of stock"), At(1));

        Assert.Equal(FlowState.Killed, run.Flow.State);
        Assert.Equal("out of stock", run.Flow.Error);
        Assert.Null(run.Flow.Result);
        Assert.Equal([StepState.Completed, StepState.Skipped], States(run));
        Assert.Equal("skipped: the flow was killed", run.Steps[1].Error);
        Assert.Contains(HistoryKinds.FlowKilled, Kinds(run.Flush(Owner, At(1), release: true)));
    }

    [Fact]
    public void Cancel_ends_the_flow_and_asks_for_the_running_steps_to_be_cancelled()
    {
        var run = Begun("""
            tasks:
              - { key: a, task_type: noop }
              - { key: b, task_type: noop, precursors: [ROOT] }
              - { key: c, task_type: noop, precursors: [a, b] }
            """);
        Assert.Equal([(0, 1), (1, 1)], Start(run, T0));

        run.Cancel("by ann", At(1));

        Assert.Equal(FlowState.Cancelled, run.Flow.State);
        Assert.Equal("by ann", run.Flow.Error);
        Assert.False(run.IsActive);
        Assert.Equal([0, 1], run.TakeCancelRequests());
        Assert.All(run.Steps, s => Assert.Equal(StepState.Skipped, s.State));
    }
}
