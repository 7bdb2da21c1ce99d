using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The reads behind a diagnosis (<see cref="IFlowDiagnosisStore"/>): a flow's untaken events, a key's slot holders,
/// the overdue flows and the steps lost to crashed workers.
/// </summary>
public abstract class DiagnosisStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    [Fact]
    public async Task Pending_events_are_the_untaken_ones_oldest_first()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1"), None);
        await store.CreateFlowAsync(MakeFlow("f2"), None);
        Assert.True(await store.AddEventAsync("f1", "approved", null, T0, None));
        Assert.True(await store.AddEventAsync("f1", "shipped", new System.Text.Json.Nodes.JsonObject { ["n"] = 1 }, T0.AddSeconds(1), None));
        Assert.True(await store.AddEventAsync("f2", "other", null, T0, None));

        var events = await store.GetPendingEventsAsync("f1", None);
        Assert.Equal(["approved", "shipped"], events.Select(e => e.Name));
        Assert.Equal(T0.AddSeconds(1), events[1].At);
        Assert.Empty(await store.GetPendingEventsAsync("nobody", None));

        // A committed consumption takes the event out.
        var claimed = await ClaimOneAsync(store, "f1", now: T0.AddSeconds(2));
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow.Clone(), ConsumedEvents = [events[0].Id], Release = true }, None);
        Assert.Equal(["shipped"], (await store.GetPendingEventsAsync("f1", None)).Select(e => e.Name));
    }

    [Fact]
    public async Task Slot_holders_are_the_unexpired_slots_of_the_key()
    {
        var store = await NewStoreAsync();
        Assert.True(await store.AcquireSlotAsync(new SlotRequest("customer:42", 2, "f2", "sync", "w2", T0, T0 + Lease), None));
        Assert.True(await store.AcquireSlotAsync(new SlotRequest("customer:42", 2, "f1", "sync", "w1", T0, T0.AddSeconds(5)), None));
        Assert.True(await store.AcquireSlotAsync(new SlotRequest("customer:7", 2, "f3", "sync", "w1", T0, T0 + Lease), None));

        var holders = await store.ListSlotHoldersAsync("customer:42", T0, None);
        Assert.Equal([new SlotHolder("f1", "sync", "w1", T0.AddSeconds(5)), new SlotHolder("f2", "sync", "w2", T0 + Lease)], holders);
        Assert.Equal(["f2"], (await store.ListSlotHoldersAsync("customer:42", T0.AddSeconds(5), None)).Select(h => h.FlowId));
        Assert.Empty(await store.ListSlotHoldersAsync("nothing", T0, None));
    }

    [Fact]
    public async Task Overdue_flows_are_unclaimed_past_the_threshold_routed_or_under_an_expired_lease()
    {
        var store = await NewStoreAsync();
        var now = T0.AddMinutes(10);
        await store.CreateFlowAsync(MakeFlow("old", nextRunAt: T0), None);                          // due 10 min ago: overdue
        await store.CreateFlowAsync(MakeFlow("fresh", nextRunAt: now.AddSeconds(-5)), None);       // due 5 s ago: not yet
        await store.CreateFlowAsync(MakeFlow("later", nextRunAt: now.AddHours(1)), None);
        await store.CreateFlowAsync(MakeFlow("asleep"), None);                                      // waits for the outside
        await store.CreateFlowAsync(MakeFlow("mine", nextRunAt: T0, owner: "alice"), None);
        await store.CreateFlowAsync(MakeFlow("held", nextRunAt: T0), None);
        await store.SetFlowSuspendedAsync("held", true, "bob", T0, None);
        await store.CreateFlowAsync(MakeFlow("lost", nextRunAt: T0), None);
        await ClaimOneAsync(store, "lost", "w9", now.AddMinutes(-1));                               // lease ran out 30 s ago
        await store.CreateFlowAsync(MakeFlow("busy", nextRunAt: T0), None);
        await ClaimOneAsync(store, "busy", "w1", now);                                              // a live lease
        await store.CreateFlowAsync(MakeFlow("routed", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "routed", "w1", T0);
        var row = claimed.Flow.Clone();
        row.Route = "gpu/example.Gpu";
        row.NextRunAt = now.AddSeconds(-1);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Release = true }, None);
        await store.CreateFlowAsync(MakeFlow("done", nextRunAt: T0, state: FlowState.Completed), None);

        var query = new OverdueQuery { Now = now, DueBefore = now.AddMinutes(-5) };
        var overdue = await store.ListOverdueFlowsAsync(query, None);
        Assert.Equal(["lost", "mine", "old", "routed"], overdue.Select(f => f.Id));
        Assert.Equal("gpu/example.Gpu", overdue[3].Route);
        Assert.Equal("w9", overdue[0].LeaseOwner);
        Assert.Equal(["mine"], (await store.ListOverdueFlowsAsync(query with { Owner = "alice" }, None)).Select(f => f.Id));
        Assert.Equal(["lost", "mine"], (await store.ListOverdueFlowsAsync(query with { Limit = 2 }, None)).Select(f => f.Id));
    }

    [Fact]
    public async Task Recovered_steps_are_the_unfinished_ones_of_unfinished_leased_flows()
    {
        var store = await NewStoreAsync();
        foreach (var (id, owner) in new[] { ("f1", "alice"), ("f2", "bob"), ("f3", "bob"), ("f4", "bob") })
        {
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0, owner: owner), None);
        }

        await CommitStepAsync(store, "f1", new StepRecord { FlowId = "f1", Index = 1, Key = "s1", TaskType = "noop", State = StepState.Running, Recoveries = 2 }, FlowState.Running);
        await CommitStepAsync(store, "f2", new StepRecord { FlowId = "f2", Index = 0, Key = "s0", TaskType = "noop", State = StepState.Completed, Recoveries = 1 }, FlowState.Running);
        await CommitStepAsync(store, "f3", new StepRecord { FlowId = "f3", Index = 0, Key = "s0", TaskType = "noop", State = StepState.Pending, Recoveries = 1 }, FlowState.Failed);
        await CommitStepAsync(store, "f4", new StepRecord { FlowId = "f4", Index = 0, Key = "s0", TaskType = "noop", State = StepState.Pending, Recoveries = 1 }, FlowState.Running, release: true);

        var steps = await store.ListRecoveredStepsAsync(null, 10, None);
        Assert.Equal([("f1", "s1", 2)], steps.Select(s => (s.FlowId, s.Key, s.Recoveries)));
        Assert.Empty(await store.ListRecoveredStepsAsync("bob", 10, None));
        Assert.Single(await store.ListRecoveredStepsAsync("alice", 10, None));
    }

    /// <summary>Commits <paramref name="step"/> under a lease, kept unless <paramref name="release"/> (a flow let go is not read for lost steps).</summary>
    private static async Task CommitStepAsync(IFlowStore store, string flowId, StepRecord step, FlowState state, bool release = false)
    {
        var claimed = await ClaimOneAsync(store, flowId);
        var row = claimed.Flow.Clone();
        row.State = state;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Steps = [step], Release = release }, None);
    }
}
