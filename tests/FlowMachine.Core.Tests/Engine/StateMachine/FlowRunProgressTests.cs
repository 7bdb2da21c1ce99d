using FlowMachine.Engine;
using FlowMachine.Storage;
using static FlowMachine.Tests.Engine.StateMachine.RunBuilder;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>How steps become ready and run, on the state machine alone.</summary>
public sealed class FlowRunProgressTests
{
    private const string ThreeSteps = "tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }, { key: c, task_type: noop }]";

    [Fact]
    public void Begin_makes_a_pending_flow_running_and_only_the_first_step_starts_with_attempt_one()
    {
        var run = new RunBuilder().Build(ThreeSteps);
        Assert.Equal(FlowState.Pending, run.Flow.State);

        run.Begin(T0);

        Assert.Equal(FlowState.Running, run.Flow.State);
        Assert.Equal([(0, 1)], Start(run, T0));
        Assert.Equal([StepState.Running, StepState.Pending, StepState.Pending], States(run));
        Assert.Equal(T0, run.Steps[0].StartedAt);
        Assert.Equal(1, run.Steps[0].Attempts);
        Assert.Empty(Start(run, T0)); // nothing more is ready until the first step finishes
        Assert.True(run.HasRunning);
    }

    [Fact]
    public void A_result_completes_the_step_and_makes_the_next_one_ready()
    {
        var run = Begun(ThreeSteps);
        Start(run, T0);

        run.ApplyResult(0, Outcome.Result(42), At(1));

        Assert.Equal(StepState.Completed, run.Steps[0].State);
        Assert.Equal(42, run.Steps[0].Result!.GetValue<int>());
        Assert.Equal(At(1), run.Steps[0].FinishedAt);
        Assert.True(run.HasReadyNow(At(1)));
        Assert.Equal([(1, 1)], Start(run, At(1)));
        Assert.Equal([StepState.Completed, StepState.Running, StepState.Pending], States(run));
        Assert.Equal(1, run.Flush(Owner, At(1), release: false).Flow.Position);
    }

    [Fact]
    public void An_execution_of_an_attempt_that_is_no_longer_running_is_not_accepted()
    {
        var run = Begun(ThreeSteps);
        Start(run, T0);

        Assert.True(run.Accepts(new StepExecution(0, 1, Outcome.Result(null), false, false)));
        Assert.False(run.Accepts(new StepExecution(0, 2, Outcome.Result(null), false, false))); // another attempt
        Assert.False(run.Accepts(new StepExecution(1, 1, Outcome.Result(null), false, false))); // a step not running

        run.Cancel("stop", At(1));
        Assert.False(run.Accepts(new StepExecution(0, 1, Outcome.Result(null), false, false))); // the flow ended
    }

    [Fact]
    public void A_join_waits_for_every_precursor()
    {
        var run = Begun("""
            tasks:
              - { key: a, task_type: noop }
              - { key: left, task_type: noop, precursors: [a] }
              - { key: right, task_type: noop, precursors: [a] }
              - { key: join, task_type: noop, precursors: [left, right] }
            """);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(null), At(1));
        Assert.Equal([(1, 1), (2, 1)], Start(run, At(1))); // both branches at once

        run.ApplyResult(1, Outcome.Result("l"), At(2));
        Assert.False(run.HasReadyNow(At(2)));
        Assert.Empty(Start(run, At(2)));
        Assert.Equal(StepState.Pending, run.Steps[3].State);

        run.ApplyResult(2, Outcome.Result("r"), At(3));
        Assert.Equal([(3, 1)], Start(run, At(3)));
    }

    [Fact]
    public void A_choice_skips_the_successors_not_chosen_and_a_join_after_them_still_runs()
    {
        var run = Begun("""
            tasks:
              - { key: pick, task_type: noop }
              - { key: yes, task_type: noop, precursors: [pick] }
              - { key: no, task_type: noop, precursors: [pick] }
              - { key: join, task_type: noop, precursors: [yes, no] }
            """);
        Start(run, T0);

        run.ApplyResult(0, Outcome.Choose("y", "yes"), At(1));

        Assert.Equal(StepState.Skipped, run.Steps[2].State);
        Assert.Equal("skipped: not chosen by 'pick'", run.Steps[2].Error);
        Assert.Equal([(1, 1)], Start(run, At(1)));
        run.ApplyResult(1, Outcome.Result(null), At(2));
        Assert.Equal([(3, 1)], Start(run, At(2)));
    }

    [Fact]
    public void Choosing_a_step_that_does_not_follow_fails_the_step_for_good()
    {
        var run = Begun("tasks: [{ key: pick, task_type: noop, retry: { attempts: 3 } }, { key: next, task_type: noop }]");
        Start(run, T0);

        run.ApplyResult(0, Outcome.Choose(null, "elsewhere"), At(1));

        Assert.Equal(StepState.Failed, run.Steps[0].State); // no retry: a wrong choice stays wrong
        Assert.StartsWith("chose 'elsewhere', which does not follow step 'pick'", run.Steps[0].Error, StringComparison.Ordinal);
        Assert.Equal(FlowState.Failed, run.Flow.State);
    }

    [Fact]
    public void A_step_left_running_by_a_lost_worker_runs_again_with_the_next_attempt()
    {
        var run = new RunBuilder().Build(ThreeSteps, steps =>
        {
            steps[0].State = StepState.Completed;
            steps[1].State = StepState.Running;
            steps[1].Attempts = 1;
        });
        run.Begin(T0);

        Assert.Equal([(1, 2)], Start(run, T0));
        Assert.Equal(1, run.Flush(Owner, T0, release: false).Flow.Position);
    }

    [Fact]
    public void Data_changes_are_copied_on_write_and_marked_for_the_commit()
    {
        var run = Begun("data: { n: 1 }\ntasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]");
        var before = run.Flow.Data;
        Start(run, T0);

        run.ApplyResult(0, (ResultOutcome)Outcome.Result(null).WithData("n", 2), At(1));

        Assert.Equal(1, before["n"]!.GetValue<int>()); // tasks still reading the old data are not disturbed
        Assert.Equal(2, run.Flow.Data["n"]!.GetValue<int>());
        var transition = run.Flush(Owner, At(1), release: false);
        Assert.True(transition.DataChanged);
        Assert.False(run.Flush(Owner, At(1), release: false).DataChanged);
    }
}
