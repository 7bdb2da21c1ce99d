using FlowMachine.Engine;
using FlowMachine.Storage;
using static FlowMachine.Tests.Engine.StateMachine.RunBuilder;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>An operator's commands on the state machine: reset and moving the position.</summary>
public sealed class FlowRunOperatorTests
{
    private const string FourSteps = "data: { n: 0 }\ntasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }, { key: c, task_type: noop }, { key: d, task_type: noop }]";

    [Fact]
    public void Reset_clears_results_attempts_and_data_and_starts_again_from_the_first_step()
    {
        var run = Begun(FourSteps);
        Start(run, T0);
        run.ApplyResult(0, (ResultOutcome)Outcome.Result("first").WithData("n", 5), At(1));
        Start(run, At(1));
        run.Flush(Owner, At(1), release: false);

        run.Reset("ann", At(2));

        Assert.Equal(FlowState.Running, run.Flow.State);
        Assert.Equal(1, run.Flow.Generation);
        Assert.Equal(0, run.Flow.Data["n"]!.GetValue<int>());
        Assert.All(run.Steps, s => Assert.Equal((StepState.Pending, 0, null), (s.State, s.Attempts, s.Result)));
        Assert.Equal([1], run.TakeCancelRequests()); // b was running
        Assert.Equal([(0, 1)], Start(run, At(2)));
        var transition = run.Flush(Owner, At(2), release: false);
        Assert.True(transition.DataChanged);
        Assert.Equal(4, transition.Steps.Count);
        Assert.Equal(0, transition.Flow.Position);
        var reset = transition.History.Single(e => e.Kind == HistoryKinds.FlowReset);
        Assert.Equal(1, reset.Detail!["generation"]!.GetValue<int>());
    }

    [Fact]
    public void Reset_brings_an_ended_flow_back_to_life()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }]");
        Start(run, T0);
        run.ApplyFailure(0, "broken", null, permanent: true, At(1));
        Assert.Equal(FlowState.Failed, run.Flow.State);

        run.Reset(null, At(2));

        Assert.True(run.IsActive);
        Assert.Null(run.Flow.Error);
        Assert.Equal([(0, 1)], Start(run, At(2)));
    }

    [Fact]
    public void Moving_the_position_skips_the_unfinished_steps_before_it_and_runs_the_step_at_it_next()
    {
        var run = Begun(FourSteps);
        Start(run, T0);

        run.MovePosition(2, "ann", At(1));

        Assert.Equal([StepState.Skipped, StepState.Skipped, StepState.Pending, StepState.Pending], States(run));
        Assert.Equal("skipped: position moved to 2", run.Steps[0].Error);
        Assert.Equal([0], run.TakeCancelRequests());
        Assert.Equal([(2, 1)], Start(run, At(1))); // forced: its precursor was skipped, yet it runs
        Assert.Equal(StepState.Pending, run.Steps[3].State);
        var transition = run.Flush(Owner, At(1), release: false);
        Assert.Equal(2, transition.Flow.Position);
        Assert.Equal(2, transition.History.Single(e => e.Kind == HistoryKinds.PositionMoved).Detail!["position"]!.GetValue<int>());
    }

    [Fact]
    public void Moving_the_position_back_clears_the_steps_from_it_on_and_revives_a_completed_flow()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]");
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(1), At(1));
        Start(run, At(1));
        run.ApplyResult(1, Outcome.Result(2), At(2));
        Assert.Equal(FlowState.Completed, run.Flush(Owner, At(2), release: true).Flow.State);

        run.MovePosition(1, null, At(3));

        Assert.Equal(FlowState.Running, run.Flow.State);
        Assert.Null(run.Flow.Result);
        Assert.Equal(1, run.Steps[0].Result!.GetValue<int>()); // before the position: kept
        Assert.Null(run.Steps[1].Result);
        Assert.Equal([(1, 2)], Start(run, At(3)));
    }
}
