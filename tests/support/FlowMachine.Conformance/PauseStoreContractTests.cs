using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The pause contract (<see cref="IPauseStore"/>): suspended flows and flows of paused routines are never claimed
/// nor due, a commit under the lease keeps the hold, resuming makes them claimable again.
/// </summary>
public abstract class PauseStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly DateTimeOffset Later = T0.AddHours(1);

    [Fact]
    public async Task Suspended_flows_are_never_claimed_and_resume_makes_them_due()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0.AddSeconds(5)), None);

        var suspended = await store.SetFlowSuspendedAsync("f1", true, "alice", T0, None);
        Assert.Equal(new HoldResult(HoldStatus.Changed, FlowState.Pending), suspended);
        Assert.Equal(HoldStatus.Unchanged, (await store.SetFlowSuspendedAsync("f1", true, "alice", T0, None)).Status);
        var flow = (await store.GetFlowAsync("f1", None))!;
        Assert.True(flow.Suspended);
        Assert.False(flow.RoutinePaused);
        var command = Assert.Single(await store.GetCommandsAsync("f1", None));
        Assert.Equal((FlowCommand.Suspend, "alice"), (command.Kind, command.Actor));

        Assert.Equal(T0.AddSeconds(5), await store.GetNextDueAsync(None));
        Assert.Null(await store.ClaimFlowAsync("f1", "w1", Later, Lease, None));
        Assert.Equal(["f2"], (await store.ClaimDueAsync("w1", 10, Later, Lease, None)).Select(c => c.Flow.Id));
        Assert.Empty(await store.ClaimDueAsync("w2", 10, Later, Lease, None));

        Assert.Equal(HoldStatus.Changed, (await store.SetFlowSuspendedAsync("f1", false, "bob", Later, None)).Status);
        Assert.Equal(HoldStatus.Unchanged, (await store.SetFlowSuspendedAsync("f1", false, "bob", Later, None)).Status);
        Assert.False((await store.GetFlowAsync("f1", None))!.Suspended);
        var claimed = Assert.Single(await store.ClaimDueAsync("w3", 10, Later, Lease, None));
        Assert.Equal("f1", claimed.Flow.Id);
        Assert.Equal([FlowCommand.Suspend, FlowCommand.Resume], claimed.Commands.Select(c => c.Kind));
    }

    [Fact]
    public async Task A_commit_under_the_lease_keeps_the_suspension()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");

        // Suspended while its worker runs a step: the step commits, the flow stays suspended.
        Assert.Equal(HoldStatus.Changed, (await store.SetFlowSuspendedAsync("f1", true, "alice", T0, None)).Status);
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        row.NextRunAt = T0;
        var step = claimed.Steps[0].Clone();
        step.State = StepState.Completed;
        var held = await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Steps = [step] }, None);
        Assert.True(held.HasCommands);
        Assert.True((await store.GetFlowAsync("f1", None))!.Suspended);

        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row.Clone(), Release = true }, None);
        var flow = (await store.GetFlowAsync("f1", None))!;
        Assert.True(flow.Suspended);
        Assert.Null(flow.LeaseOwner);
        Assert.Equal(StepState.Completed, (await store.GetStepsAsync("f1", None))[0].State);
        Assert.Null(await store.GetNextDueAsync(None));
        Assert.Empty(await store.ClaimDueAsync("w2", 10, Later, Lease, None));

        // A suspended flow whose lease runs out is not taken over either.
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0), None);
        await ClaimOneAsync(store, "f2");
        await store.SetFlowSuspendedAsync("f2", true, null, T0, None);
        Assert.Empty(await store.ClaimDueAsync("w2", 10, Later, Lease, None));
        Assert.Null(await store.GetNextDueAsync(None));

        await store.SetFlowSuspendedAsync("f1", false, null, Later, None);
        Assert.Equal(["f1"], (await store.ClaimDueAsync("w2", 10, Later, Lease, None)).Select(c => c.Flow.Id));
    }

    [Fact]
    public async Task Suspending_an_unknown_or_ended_flow_changes_nothing()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("done", state: FlowState.Completed), None);

        Assert.Equal(new HoldResult(HoldStatus.NotFound), await store.SetFlowSuspendedAsync("nope", true, null, T0, None));
        Assert.Equal(new HoldResult(HoldStatus.Ended, FlowState.Completed), await store.SetFlowSuspendedAsync("done", true, null, T0, None));
        Assert.Equal(new HoldResult(HoldStatus.Ended, FlowState.Completed), await store.SetFlowSuspendedAsync("done", false, null, T0, None));
        Assert.False((await store.GetFlowAsync("done", None))!.Suspended);
        Assert.Empty(await store.GetCommandsAsync("done", None));
        Assert.Null(await store.GetFlowAsync("nope", None));
    }

    [Fact]
    public async Task Flows_of_a_paused_routine_are_stored_but_not_claimed_until_it_resumes()
    {
        var store = await NewStoreAsync();
        await store.SaveRoutineAsync("r", """{"tasks":["a","b"]}""", null, T0, None);
        await store.SaveRoutineAsync("other", """{"tasks":["a","b"]}""", null, T0, None);
        await store.CreateFlowAsync(MakeFlow("before", nextRunAt: T0, routine: "r"), None);
        await store.CreateFlowAsync(MakeFlow("ended", state: FlowState.Completed, routine: "r"), None);

        Assert.Equal(new HoldResult(HoldStatus.NotFound), await store.SetRoutinePausedAsync("nope", true, "alice", T0, None));
        Assert.Equal(HoldStatus.Changed, (await store.SetRoutinePausedAsync("r", true, "alice", T0, None)).Status);
        Assert.Equal(HoldStatus.Unchanged, (await store.SetRoutinePausedAsync("r", true, "bob", T0.AddSeconds(1), None)).Status);
        Assert.Equal([new PausedRoutine("r", T0, "alice")], await store.ListPausedRoutinesAsync(None));

        await store.CreateFlowAsync(MakeFlow("during", nextRunAt: T0, routine: "r"), None);
        await store.CreateFlowAsync(MakeFlow("inline", nextRunAt: T0.AddSeconds(3)), None);
        await store.CreateFlowAsync(MakeFlow("sibling", nextRunAt: T0.AddSeconds(4), routine: "other"), None);
        Assert.True((await store.GetFlowAsync("before", None))!.RoutinePaused);
        Assert.True((await store.GetFlowAsync("during", None))!.RoutinePaused);
        Assert.False((await store.GetFlowAsync("before", None))!.Suspended);
        Assert.False((await store.GetFlowAsync("sibling", None))!.RoutinePaused);

        Assert.Equal(T0.AddSeconds(3), await store.GetNextDueAsync(None));
        Assert.Null(await store.ClaimFlowAsync("during", "w1", Later, Lease, None));
        Assert.Equal(["inline", "sibling"], (await store.ClaimDueAsync("w1", 10, Later, Lease, None)).Select(c => c.Flow.Id));

        // A flow suspended by hand stays suspended when its routine resumes.
        await store.SetFlowSuspendedAsync("before", true, null, T0, None);
        Assert.Equal(HoldStatus.Changed, (await store.SetRoutinePausedAsync("r", false, "bob", Later, None)).Status);
        Assert.Equal(HoldStatus.Unchanged, (await store.SetRoutinePausedAsync("r", false, "bob", Later, None)).Status);
        Assert.Empty(await store.ListPausedRoutinesAsync(None));
        Assert.False((await store.GetFlowAsync("during", None))!.RoutinePaused);
        var before = (await store.GetFlowAsync("before", None))!;
        Assert.True(before.Suspended);
        Assert.False(before.RoutinePaused);
        Assert.Equal(["during"], (await store.ClaimDueAsync("w2", 10, Later, Lease, None)).Select(c => c.Flow.Id));
    }
}
