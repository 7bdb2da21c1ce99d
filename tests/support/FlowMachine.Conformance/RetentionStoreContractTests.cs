using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The retention contract (<see cref="IFlowRetentionStore"/>): finished flows go with everything that is
/// theirs and with their children; nothing that runs, waits, is held or is due ever goes. Sweeping while
/// workers commit is in RetentionStoreContractTests.Concurrency.cs; while workers die and others take their
/// flows over, in RetentionStoreContractTests.KillLoop.cs.
/// </summary>
public abstract partial class RetentionStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly FlowState[] Terminal = [FlowState.Completed, FlowState.Failed, FlowState.Killed, FlowState.Cancelled];

    protected static FlowRetentionFilter All => new() { States = Terminal };

    /// <summary>A flow that has ended in <paramref name="state"/>: nothing holds it, nothing makes it due.</summary>
    protected static NewFlow Ended(string id, FlowState state = FlowState.Completed, DateTimeOffset? at = null, string? routine = null, string? parent = null, string? key = null) =>
        MakeFlow(id, key: key, createdAt: at ?? T0, state: state, routine: routine, parent: parent);

    [Fact]
    public async Task A_tag_picks_only_the_tagged_flows()
    {
        var store = await NewStoreAsync();
        var tagged = Ended("tagged");
        tagged.Flow.Tags = ["old-batch"];
        await store.CreateFlowAsync(tagged, None);
        await store.CreateFlowAsync(Ended("plain"), None);

        var byTag = All with { Tag = "old-batch" };
        Assert.Equal(1, await store.CountDeletableFlowsAsync(byTag, None));
        Assert.Equal(1, (await store.DeleteFlowsAsync(byTag, 10, None)).Deleted);

        Assert.Null(await store.GetFlowAsync("tagged", None));
        Assert.NotNull(await store.GetFlowAsync("plain", None));
    }

    [Fact]
    public async Task A_deleted_flow_leaves_nothing_behind()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", key: "k1", nextRunAt: T0), None);
        await store.EnqueueCommandAsync("f1", FlowCommand.Cancel, null, null, "alice", T0, None);
        await store.AddEventAsync("f1", "paid", null, T0, None);
        var claimed = await ClaimOneAsync(store, "f1");
        var step = claimed.Steps[1].Clone();
        step.State = StepState.Waiting;
        step.ResumeToken = "tok";
        step.StartedAt = T0;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Steps = [step] }, None);
        Assert.Equal(ResumeTokenStatus.Consumed, (await store.ConsumeResumeTokenAsync("tok", T0, TimeSpan.FromHours(1), None)).Status);

        // It ends: the command consumed, the event left unread, no lease, not due.
        var row = claimed.Flow.Clone();
        row.State = FlowState.Completed;
        row.NextRunAt = null;
        await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = "w1",
            Flow = row,
            Release = true,
            ConsumedCommands = [claimed.Commands[0].Id],
            KnownEventId = claimed.Events[0].Id,
            History = [new HistoryEvent("f1", claimed.LastSeq + 1, T0, "completed", null, null)],
        }, None);

        Assert.Equal(FlowDeleteOutcome.Deleted, await store.DeleteFlowAsync("f1", None));
        Assert.Null(await store.GetFlowAsync("f1", None));
        Assert.Null(await store.GetFlowByKeyAsync("k1", None));
        Assert.Empty(await store.GetStepsAsync("f1", None));
        Assert.Empty(await store.GetHistoryAsync("f1", 0, 100, None));
        Assert.Empty(await store.GetCommandsAsync("f1", None));
        Assert.Equal(FlowDeleteOutcome.NotFound, await store.DeleteFlowAsync("f1", None));

        // The id, the key and the token are free again: nothing of the old flow's rows is in the way.
        Assert.True((await store.CreateFlowAsync(MakeFlow("f1", key: "k1", nextRunAt: T0), None)).Created);
        var again = await ClaimOneAsync(store, "f1");
        Assert.Empty(again.Commands);
        Assert.Empty(again.Events);
        Assert.Equal(1, again.LastSeq);
        var waiting = again.Steps[1].Clone();
        waiting.State = StepState.Waiting;
        waiting.ResumeToken = "tok";
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = again.Flow, Steps = [waiting] }, None);
        Assert.Equal(("f1", "s1"), await store.FindResumeTokenAsync("tok", None));
    }

    [Fact]
    public async Task Never_deletes_a_flow_that_runs_waits_is_held_or_is_due()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("pending", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("running", nextRunAt: T0, state: FlowState.Running), None);
        await ClaimOneAsync(store, "running");
        await store.CreateFlowAsync(MakeFlow("waiting", state: FlowState.Waiting), None);
        await store.CreateFlowAsync(MakeFlow("spawned", state: FlowState.Spawned), None);
        await store.CreateFlowAsync(Ended("child-of-spawned", parent: "spawned"), None);
        await store.CreateFlowAsync(Ended("due"), None);
        await store.EnqueueCommandAsync("due", FlowCommand.Reset, null, null, "alice", T0, None); // a reset revives it
        await store.CreateFlowAsync(MakeFlow("held", nextRunAt: T0, state: FlowState.Completed), None);
        await ClaimOneAsync(store, "held"); // a worker still holds it

        var ids = new[] { "pending", "running", "waiting", "spawned", "child-of-spawned", "due", "held" };
        Assert.Equal(0, await store.CountDeletableFlowsAsync(All with { FinishedBefore = T0.AddYears(1) }, None));
        var batch = await store.DeleteFlowsAsync(All with { States = [.. Terminal, FlowState.Pending, FlowState.Running, FlowState.Waiting, FlowState.Spawned] }, 100, None);
        Assert.Equal(0, batch.Deleted);
        foreach (var id in ids)
        {
            Assert.NotNull(await store.GetFlowAsync(id, None));
            Assert.Equal(FlowDeleteOutcome.NotDeletable, await store.DeleteFlowAsync(id, None));
            Assert.NotNull(await store.GetFlowAsync(id, None));
            Assert.NotEmpty(await store.GetStepsAsync(id, None));
        }
    }

    [Fact]
    public async Task Children_go_with_their_parent_and_keep_it_while_they_run()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(Ended("p1"), None);
        await store.CreateFlowAsync(Ended("c1", parent: "p1", at: T0.AddSeconds(1)), None);
        await store.CreateFlowAsync(Ended("g1", parent: "c1", at: T0.AddSeconds(2)), None);
        await store.CreateFlowAsync(Ended("p2", at: T0.AddSeconds(3)), None);
        await store.CreateFlowAsync(MakeFlow("c2", parent: "p2", nextRunAt: T0, state: FlowState.Running, createdAt: T0.AddSeconds(4)), None);

        // A finished child is not swept on its own: only top-level flows are, children with them.
        Assert.Equal(1, await store.CountDeletableFlowsAsync(All, None));
        var batch = await store.DeleteFlowsAsync(All, 100, None);
        Assert.Equal(new RetentionBatch(1, 1, 2), batch);
        foreach (var id in new[] { "p1", "c1", "g1" })
        {
            Assert.Null(await store.GetFlowAsync(id, None));
        }

        Assert.NotNull(await store.GetFlowAsync("p2", None));
        Assert.NotNull(await store.GetFlowAsync("c2", None));
        Assert.Equal(FlowDeleteOutcome.NotDeletable, await store.DeleteFlowAsync("p2", None));

        // By hand, a finished child of a finished parent may go alone; not one of a running parent.
        await store.CreateFlowAsync(Ended("p3", at: T0.AddSeconds(5)), None);
        await store.CreateFlowAsync(Ended("c3", parent: "p3", at: T0.AddSeconds(6)), None);
        await store.CreateFlowAsync(MakeFlow("p4", state: FlowState.Waiting, createdAt: T0.AddSeconds(7)), None);
        await store.CreateFlowAsync(Ended("c4", parent: "p4", at: T0.AddSeconds(8)), None);
        Assert.Equal(FlowDeleteOutcome.Deleted, await store.DeleteFlowAsync("c3", None));
        Assert.NotNull(await store.GetFlowAsync("p3", None));
        Assert.Equal(FlowDeleteOutcome.NotDeletable, await store.DeleteFlowAsync("c4", None));
        Assert.NotNull(await store.GetFlowAsync("c4", None));
    }

    [Fact]
    public async Task The_filter_picks_by_state_end_time_and_routine_oldest_first_in_batches()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.CreateFlowAsync(Ended($"c{i}", at: T0.AddMinutes(i)), None);
        }

        await store.CreateFlowAsync(Ended("f-old", FlowState.Failed, at: T0), None);
        await store.CreateFlowAsync(Ended("k-new", FlowState.Killed, at: T0.AddDays(2)), None);
        await store.CreateFlowAsync(Ended("r1", routine: "billing", at: T0), None);
        await store.CreateFlowAsync(Ended("r2", FlowState.Cancelled, routine: "mail", at: T0), None);

        var completedBefore = new FlowRetentionFilter { States = [FlowState.Completed], FinishedBefore = T0.AddMinutes(3) };
        Assert.Equal(4, await store.CountDeletableFlowsAsync(completedBefore, None)); // c0, c1, c2 and r1
        Assert.Equal(new RetentionBatch(2, 2, 0), await store.DeleteFlowsAsync(completedBefore, 2, None));
        Assert.Null(await store.GetFlowAsync("c0", None));
        Assert.NotNull(await store.GetFlowAsync("c2", None)); // oldest first: c0 and r1 (same time, by id) or c0 and c1
        Assert.Equal(2, await store.CountDeletableFlowsAsync(completedBefore, None));
        Assert.Equal(new RetentionBatch(2, 2, 0), await store.DeleteFlowsAsync(completedBefore, 5, None));
        Assert.Equal(new RetentionBatch(0, 0, 0), await store.DeleteFlowsAsync(completedBefore, 5, None));
        Assert.NotNull(await store.GetFlowAsync("c3", None));

        // By routine, and everything but some routines.
        Assert.Equal(0, await store.CountDeletableFlowsAsync(All with { Routine = "billing" }, None));
        Assert.Equal(1, await store.CountDeletableFlowsAsync(All with { Routine = "mail" }, None));
        var exceptMail = All with { ExceptRoutines = ["mail"] };
        Assert.Equal(4, await store.CountDeletableFlowsAsync(exceptMail, None)); // c3, c4, f-old, k-new
        Assert.Equal(4, (await store.DeleteFlowsAsync(exceptMail, 100, None)).Deleted);
        Assert.Equal("r2", Assert.Single((await store.ListFlowsAsync(new FlowQuery(), None)).Items).Id);

        // Only terminal states ever match, whatever the filter asks for.
        Assert.Equal(0, await store.CountDeletableFlowsAsync(new FlowRetentionFilter { States = [FlowState.Pending] }, None));
    }

    [Fact]
    public async Task Storage_stats_name_the_oldest_finished_flow()
    {
        var store = await NewStoreAsync();
        Assert.Null((await store.GetStorageStatsAsync(None)).OldestFinishedAt);
        await store.CreateFlowAsync(MakeFlow("run", createdAt: T0.AddDays(-9), nextRunAt: T0), None);
        await store.CreateFlowAsync(Ended("a", FlowState.Failed, at: T0.AddDays(-2)), None);
        await store.CreateFlowAsync(Ended("b", at: T0.AddDays(-1)), None);
        Assert.Equal(T0.AddDays(-2), (await store.GetStorageStatsAsync(None)).OldestFinishedAt);
        await store.ReclaimSpaceAsync(None);
    }
}
