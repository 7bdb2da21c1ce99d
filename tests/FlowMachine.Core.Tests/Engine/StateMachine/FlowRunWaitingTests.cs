using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using static FlowMachine.Tests.Engine.StateMachine.RunBuilder;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>Waiting steps and what resumes them: pushes, checks, events, timers and children.</summary>
public sealed class FlowRunWaitingTests
{
    private const string Gate = "tasks: [{ key: a, task_type: noop }, { key: gate, task_type: wait }, { key: c, task_type: noop }, { key: d, task_type: noop }]";

    /// <summary>A run whose step 'gate' (index 1) waits since <c>At(2)</c>.</summary>
    private static FlowRun Waiting(string yaml = Gate, string reason = "sign off", string? eventName = null, DateTimeOffset? until = null, RunBuilder? builder = null)
    {
        var run = (builder ?? new RunBuilder()).Build(yaml);
        run.Begin(T0);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result(null), At(1));
        Start(run, At(1));
        run.ApplyWait(1, Outcome.Wait(reason, eventName, until), At(2));
        return run;
    }

    [Fact]
    public void Wait_makes_the_step_and_then_the_flow_waiting()
    {
        var run = Waiting();

        var step = run.Steps[1];
        Assert.Equal(StepState.Waiting, step.State);
        Assert.Equal("sign off", step.WaitReason);
        Assert.Equal(24, step.ResumeToken!.Length);
        Assert.False(run.HasRunning);

        var transition = run.Flush(Owner, At(2), release: true);
        Assert.Equal(FlowState.Waiting, transition.Flow.State);
        Assert.Equal("sign off", transition.Flow.WaitReason);
        Assert.Null(transition.Flow.NextRunAt); // only outside input moves it on
        Assert.True(transition.StateChanged);
        Assert.Equal(1, transition.Flow.Position);
        Assert.Contains(HistoryKinds.StepWaiting, Kinds(transition));
    }

    [Fact]
    public void A_push_completes_the_waiting_step_and_the_next_one_becomes_ready_with_none_skipped()
    {
        var run = Waiting();
        run.Flush(Owner, At(2), release: true);
        Assert.Equal(1, run.FindWaiting(null));
        Assert.Equal(1, run.FindWaiting("gate"));
        Assert.Null(run.FindWaiting("c"));

        run.Push(1, JsonValue.Create("yes"), "ann", At(3));

        Assert.Equal(StepState.Completed, run.Steps[1].State);
        Assert.Equal("yes", run.Steps[1].Result!.GetValue<string>());
        Assert.Null(run.Steps[1].ResumeToken);
        Assert.Equal([(2, 1)], Start(run, At(3)));
        Assert.Equal([StepState.Completed, StepState.Completed, StepState.Running, StepState.Pending], States(run));
        var transition = run.Flush(Owner, At(3), release: false);
        Assert.Equal(FlowState.Running, transition.Flow.State);
        Assert.Equal([HistoryKinds.StepPushed, HistoryKinds.StepCompleted, HistoryKinds.StepStarted], Kinds(transition));
        Assert.Equal("ann", transition.History[0].Detail!["actor"]!.GetValue<string>());
    }

    [Fact]
    public void A_check_that_passes_completes_the_step_and_one_that_does_not_leaves_it_waiting()
    {
        var run = Waiting();
        run.Flush(Owner, At(2), release: true);

        run.CheckNotReady(1, "not yet", At(3));
        Assert.Equal(StepState.Waiting, run.Steps[1].State);
        Assert.Empty(Start(run, At(3)));
        var refused = run.Flush(Owner, At(3), release: true);
        Assert.Equal(FlowState.Waiting, refused.Flow.State);
        Assert.Equal("not yet", Assert.Single(refused.History, e => e.Kind == HistoryKinds.CheckNotReady).Detail!["reason"]!.GetValue<string>());

        run.CheckPassed(1, JsonValue.Create(true), At(4));
        Assert.Equal(StepState.Completed, run.Steps[1].State);
        Assert.Equal([(2, 1)], Start(run, At(4)));
        Assert.Equal([HistoryKinds.StepChecked, HistoryKinds.StepCompleted, HistoryKinds.StepStarted], Kinds(run.Flush(Owner, At(4), release: false)));
    }

    [Fact]
    public void A_durable_timer_sets_the_next_run_time_and_fires_once_at_its_time()
    {
        var run = Waiting(reason: "nap", until: At(60));
        var transition = run.Flush(Owner, At(2), release: true);
        Assert.Equal(FlowState.Waiting, transition.Flow.State);
        Assert.Equal(At(60), transition.Flow.NextRunAt);

        run.ApplyTimers(At(59));
        Assert.Equal(StepState.Waiting, run.Steps[1].State);

        run.ApplyTimers(At(60));
        Assert.Equal(StepState.Completed, run.Steps[1].State);
        Assert.Null(run.Steps[1].Result);
        Assert.Equal([(2, 1)], Start(run, At(60)));
        run.ApplyTimers(At(120));
        Assert.Equal([HistoryKinds.TimerFired, HistoryKinds.StepCompleted, HistoryKinds.StepStarted], Kinds(run.Flush(Owner, At(60), release: false)));
    }

    [Fact]
    public void An_event_raised_before_the_wait_resumes_the_step_with_its_value_and_is_consumed()
    {
        var run = Waiting(reason: "approval", eventName: "approved", builder: new RunBuilder().WithEvent(7, "approved", JsonValue.Create("by bob")).WithEvent(8, "other", null));

        Assert.Equal(StepState.Completed, run.Steps[1].State); // the early event was kept and is used as the step waits
        Assert.Equal("by bob", run.Steps[1].Result!.GetValue<string>());
        var transition = run.Flush(Owner, At(2), release: false);
        Assert.Equal([7L], transition.ConsumedEvents);
        Assert.Equal(8, transition.KnownEventId);
        Assert.Contains(HistoryKinds.EventConsumed, Kinds(transition));
    }

    [Fact]
    public void A_spawn_waits_for_its_children_and_their_results_complete_the_step()
    {
        var run = Begun("tasks: [{ key: fan, task_type: noop }, { key: after, task_type: noop }]");
        Start(run, T0);
        var children = new[] { Child("child-0"), Child("child-1") };

        run.ApplySpawn(0, Outcome.SpawnAll([new SpawnRequest { TaskType = "noop" }, new SpawnRequest { TaskType = "noop" }]), children, At(1));

        Assert.Equal(StepState.Waiting, run.Steps[0].State);
        Assert.Equal("waiting for 2 spawned children", run.Steps[0].WaitReason);
        var spawned = run.Flush(Owner, At(1), release: true);
        Assert.Equal(FlowState.Spawned, spawned.Flow.State);
        Assert.Equal(["child-0", "child-1"], spawned.NewFlows.Select(f => f.Flow.Id));

        run.ChildFinished(Finished(1, "b"), At(2));
        Assert.Equal(StepState.Waiting, run.Steps[0].State); // one child is still running
        run.ChildFinished(Finished(0, "a"), At(3));

        Assert.Equal(StepState.Completed, run.Steps[0].State);
        Assert.Equal("""["a","b"]""", run.Steps[0].Result!.ToJsonString());
        Assert.Equal([(1, 1)], Start(run, At(3)));

        static NewFlow Child(string id) => new(new FlowRecord { Id = id, SpecJson = "{}" }, [], []);

        static FlowCommand Finished(int index, string result) => new(index + 1, "flow-1", FlowCommand.ChildFinished, "fan", new JsonObject
        {
            ["child"] = $"child-{index}",
            ["index"] = index,
            ["state"] = "COMPLETED",
            ["result"] = result,
        }, null, At(2));
    }

    [Fact]
    public void A_child_flow_that_ends_tells_its_parent_step_how()
    {
        var run = new RunBuilder().WithId("kid").WithParent("mum", "fan", 3).Build("tasks: [{ key: only, task_type: noop }]");
        run.Begin(T0);
        Start(run, T0);
        run.ApplyResult(0, Outcome.Result("x"), At(1));

        var transition = run.Flush(Owner, At(1), release: true);

        Assert.Equal(FlowState.Completed, transition.Flow.State);
        var told = Assert.Single(transition.Commands);
        Assert.Equal(("mum", FlowCommand.ChildFinished, "fan"), (told.FlowId, told.Kind, told.StepKey));
        Assert.Equal(3, told.Payload!["index"]!.GetValue<int>());
        Assert.Equal("COMPLETED", told.Payload["state"]!.GetValue<string>());
        Assert.Equal("x", told.Payload["result"]!.GetValue<string>());
    }
}
