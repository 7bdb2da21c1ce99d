using FlowMachine.Engine;
using FlowMachine.Storage;
using static FlowMachine.Tests.Engine.StateMachine.RunBuilder;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>What a flush hands to the store: one transition with everything changed since the last one.</summary>
public sealed class FlowRunFlushTests
{
    [Fact]
    public void A_flush_hands_out_the_changed_steps_in_order_the_new_history_and_the_flow_state()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }, { key: c, task_type: noop }]");
        Start(run, T0);

        var first = run.Flush(Owner, T0, release: false);

        Assert.Equal(Owner, first.LeaseOwner);
        Assert.Same(run.Flow, first.Flow);
        Assert.Equal(FlowState.Running, first.Flow.State);
        Assert.True(first.StateChanged); // PENDING -> RUNNING
        Assert.False(first.Release);
        Assert.Equal(["a"], first.Steps.Select(s => s.Key));
        Assert.Equal([(2L, HistoryKinds.FlowStarted, (string?)null), (3L, HistoryKinds.StepStarted, "a")], first.History.Select(e => (e.Seq, e.Kind, e.StepKey)));
        Assert.Equal(T0, first.Flow.NextRunAt);
        Assert.Equal(T0, first.Flow.UpdatedAt);

        run.ApplyResult(0, Outcome.Result("A"), At(1));
        Start(run, At(1));
        var second = run.Flush(Owner, At(1), release: false);

        Assert.False(second.StateChanged); // still RUNNING: the store may leave the state alone
        Assert.Equal(["a", "b"], second.Steps.Select(s => s.Key)); // in spec order
        Assert.Equal([StepState.Completed, StepState.Running], second.Steps.Select(s => s.State));
        Assert.Equal([(4L, HistoryKinds.StepCompleted), (5L, HistoryKinds.StepStarted)], second.History.Select(e => (e.Seq, e.Kind)));
        Assert.Equal(1, second.Flow.Position);
        Assert.Equal(T0, second.Flow.NextRunAt); // due already: kept, so the due index is not touched per step
        Assert.Empty(second.NewFlows);
        Assert.Empty(second.Commands);

        var empty = run.Flush(Owner, At(1), release: false);
        Assert.True(empty.IsEmpty);
    }

    [Fact]
    public void A_committed_step_record_is_copied_before_it_changes_again()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]");
        Start(run, T0);
        var committed = run.Flush(Owner, T0, release: false).Steps[0];

        run.ApplyResult(0, Outcome.Result("A"), At(1));

        Assert.Equal(StepState.Running, committed.State); // the store may keep the record it was given
        Assert.Null(committed.Result);
        Assert.NotSame(committed, run.Steps[0]);
        Assert.Equal(StepState.Completed, run.Steps[0].State);
    }

    [Fact]
    public void The_last_flush_of_a_completed_flow_carries_its_result_and_releases_it()
    {
        var run = Begun("""
            tasks:
              - { key: a, task_type: noop }
              - { key: left, task_type: noop, precursors: [a] }
              - { key: right, task_type: noop, precursors: [a] }
            """);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(null), At(1));
        Start(run, At(1));
        run.ApplyResult(1, Outcome.Result("L"), At(2));
        run.ApplyResult(2, Outcome.Result("R"), At(2));

        var last = run.Flush(Owner, At(2), release: true);

        Assert.Equal(FlowState.Completed, last.Flow.State);
        Assert.True(last.StateChanged);
        Assert.True(last.Release);
        Assert.Null(last.Flow.NextRunAt);
        Assert.Equal(3, last.Flow.Position);
        Assert.Equal("""{"left":"L","right":"R"}""", last.Flow.Result!.ToJsonString()); // two last steps: an object of both
        Assert.Equal(HistoryKinds.FlowCompleted, last.History[^1].Kind);
    }

    [Fact]
    public void Consumed_commands_go_out_with_the_next_flush_and_ignored_ones_are_recorded()
    {
        var run = Begun("tasks: [{ key: a, task_type: noop }]");
        var push = new FlowCommand(41, "flow-1", FlowCommand.Push, null, null, "ann", T0);
        run.Consume(push);
        run.Ignore(push, T0, "no step waits");

        var transition = run.Flush(Owner, T0, release: false);

        Assert.Equal([41L], transition.ConsumedCommands);
        var ignored = Assert.Single(transition.History, e => e.Kind == HistoryKinds.CommandIgnored);
        Assert.Equal("no step waits", ignored.Detail!["why"]!.GetValue<string>());
        Assert.Empty(run.Flush(Owner, T0, release: false).ConsumedCommands);
    }
}
