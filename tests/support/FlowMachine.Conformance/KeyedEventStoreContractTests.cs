using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The keyed-event contract (<see cref="IKeyedEventStore"/>): waits indexed by (event, key) with the commits that begin
/// and end them, delivery to every waiting flow an owner may reach, kept events with expiry and ids seen once.
/// </summary>
public abstract partial class KeyedEventStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly DateTimeOffset Day = T0.AddDays(1);

    /// <summary>
    /// Flow <paramref name="id"/> of <paramref name="owner"/> whose step s1 begins to wait for (<paramref name="name"/>,
    /// <paramref name="key"/>), released; true when a kept event made it due with that commit.
    /// </summary>
    private static async Task<bool> WaitAsync(IFlowStore store, string id, string name, string key, string? owner = null, DateTimeOffset? at = null, string? routine = null)
    {
        await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0, owner: owner, routine: routine), None);
        var claimed = await ClaimOneAsync(store, id, now: at);
        var step = claimed.Steps[1].Clone();
        step.State = StepState.Waiting;
        step.WaitEvent = name;
        step.WaitKey = key;
        step.StartedAt = at ?? T0;
        var flow = claimed.Flow.Clone();
        flow.State = FlowState.Waiting;
        flow.NextRunAt = null;
        flow.UpdatedAt = at ?? T0;
        await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = "w1", Flow = flow, Steps = [step], Release = true, KeyedWaits = [new KeyedWait("s1", name, key)],
        }, None);
        return (await store.GetFlowAsync(id, None))!.NextRunAt is not null;
    }

    private static KeyedEvent Event(string name, string key, JsonNode? value, string? id = null, string? owner = null) =>
        new(name, key, value, id, owner, Day);

    private static async Task<List<FlowEvent>> EventsOfAsync(IFlowStore store, string id) =>
        [.. (await ClaimOneAsync(store, id, "w9", T0.AddMinutes(5))).Events];

    [Fact]
    public async Task An_event_raised_after_the_waits_reaches_every_flow_waiting_for_its_name_and_key()
    {
        var store = await NewStoreAsync();
        await WaitAsync(store, "f1", "shipment.packed", "A-1");
        await WaitAsync(store, "f2", "shipment.packed", "A-1");
        await WaitAsync(store, "f3", "shipment.packed", "B-2");
        await WaitAsync(store, "f4", "order.paid", "A-1");
        Assert.Equal([new KeyedWait("s1", "shipment.packed", "A-1")], await store.GetKeyedWaitsAsync("f1", None));

        var raised = await store.RaiseKeyedEventAsync(Event("shipment.packed", "A-1", new JsonObject { ["box"] = 7 }), T0.AddMinutes(1), None);

        Assert.Equal(new KeyedEventResult(2, Duplicate: false), raised);
        foreach (var id in new[] { "f1", "f2" })
        {
            Assert.NotNull((await store.GetFlowAsync(id, None))!.NextRunAt); // due: the flow's worker takes the event
            var e = Assert.Single(await EventsOfAsync(store, id));
            Assert.Equal(("shipment.packed", "A-1"), (e.Name, e.Key));
            Assert.Equal(7, e.Value!["box"]!.GetValue<int>());
            Assert.Equal("A-1", (await store.GetStepsAsync(id, None)).Single(s => s.Key == "s1").WaitKey);
            Assert.Empty(await store.GetKeyedWaitsAsync(id, None));
        }

        Assert.Null((await store.GetFlowAsync("f3", None))!.NextRunAt);
        Assert.Null((await store.GetFlowAsync("f4", None))!.NextRunAt);
        Assert.Single(await store.GetKeyedWaitsAsync("f3", None));
    }

    [Fact]
    public async Task An_event_raised_before_the_wait_is_kept_and_delivered_with_the_commit_that_begins_it()
    {
        var store = await NewStoreAsync();
        Assert.Equal(new KeyedEventResult(0, false), await store.RaiseKeyedEventAsync(Event("shipment.packed", "A-1", "early"), T0, None));
        Assert.Equal(new KeyedEventResult(0, false), await store.RaiseKeyedEventAsync(Event("shipment.packed", "A-1", "latest"), T0, None));

        Assert.True(await WaitAsync(store, "f1", "shipment.packed", "A-1", at: T0.AddMinutes(1)));
        var kept = Assert.Single(await EventsOfAsync(store, "f1"));
        Assert.Equal(("latest", "A-1"), (kept.Value!.GetValue<string>(), kept.Key));
        Assert.Empty(await store.GetKeyedWaitsAsync("f1", None));

        // Kept for every later waiter, not taken by the first.
        await WaitAsync(store, "f2", "shipment.packed", "A-1", at: T0.AddMinutes(2));
        Assert.Single(await EventsOfAsync(store, "f2"));

        // Another key is not matched.
        Assert.False(await WaitAsync(store, "f3", "shipment.packed", "A-2", at: T0.AddMinutes(2)));
        Assert.Single(await store.GetKeyedWaitsAsync("f3", None));
    }

    [Fact]
    public async Task A_repeated_id_neither_reaches_flows_again_nor_replaces_the_kept_event()
    {
        var store = await NewStoreAsync();
        await WaitAsync(store, "f1", "paid", "o-1");
        Assert.Equal(new KeyedEventResult(1, false), await store.RaiseKeyedEventAsync(Event("paid", "o-1", "first", id: "evt-1"), T0, None));
        await WaitAsync(store, "f2", "paid", "o-2");

        Assert.Equal(new KeyedEventResult(0, Duplicate: true), await store.RaiseKeyedEventAsync(Event("paid", "o-1", "second", id: "evt-1"), T0.AddMinutes(1), None));
        Assert.Equal(new KeyedEventResult(0, Duplicate: true), await store.RaiseKeyedEventAsync(Event("paid", "o-2", "third", id: "evt-1"), T0.AddMinutes(1), None));
        Assert.Single(await store.GetKeyedWaitsAsync("f2", None)); // the duplicate did not reach f2

        await WaitAsync(store, "f3", "paid", "o-1", at: T0.AddMinutes(2));
        Assert.Equal("first", Assert.Single(await EventsOfAsync(store, "f3")).Value!.GetValue<string>());

        // The same id from another owner is another event.
        Assert.False((await store.RaiseKeyedEventAsync(Event("paid", "o-2", "bob's", id: "evt-1", owner: "bob"), T0.AddMinutes(3), None)).Duplicate);
    }

    [Fact]
    public async Task A_users_event_reaches_only_their_flows_and_an_administrators_every_flow()
    {
        var store = await NewStoreAsync();
        await WaitAsync(store, "a1", "paid", "o-1", owner: "alice");
        await WaitAsync(store, "b1", "paid", "o-1", owner: "bob");
        await WaitAsync(store, "n1", "paid", "o-1", owner: null);

        Assert.Equal(1, (await store.RaiseKeyedEventAsync(Event("paid", "o-1", 1, owner: "alice"), T0, None)).Reached);
        Assert.Empty(await store.GetKeyedWaitsAsync("a1", None));
        Assert.Single(await store.GetKeyedWaitsAsync("b1", None));

        // Alice's kept event is not for a later flow of Bob's; an administrator's is for everyone.
        Assert.False((await WaitAsync(store, "b2", "paid", "o-1", owner: "bob")));
        Assert.True((await WaitAsync(store, "a2", "paid", "o-1", owner: "alice")));
        Assert.Equal(3, (await store.RaiseKeyedEventAsync(Event("paid", "o-1", 2, owner: null), T0.AddMinutes(1), None)).Reached);
        Assert.True((await WaitAsync(store, "b3", "paid", "o-1", owner: "bob", at: T0.AddMinutes(2))));
    }

    [Fact]
    public async Task Kept_events_and_ids_expire()
    {
        var store = await NewStoreAsync();
        await store.RaiseKeyedEventAsync(Event("paid", "o-1", "old", id: "evt-1"), T0, None);

        // Past its time a kept event is not delivered, even before it is purged, and its id may come again.
        Assert.False((await WaitAsync(store, "f1", "paid", "o-1", at: Day.AddSeconds(1))));
        Assert.Equal(1, await store.PurgeKeptEventsAsync(Day.AddSeconds(1), None));
        Assert.Equal(0, await store.PurgeKeptEventsAsync(Day.AddSeconds(1), None));
        var again = await store.RaiseKeyedEventAsync(Event("paid", "o-1", "new", id: "evt-1") with { KeepUntil = Day.AddDays(1) }, Day.AddSeconds(2), None);
        Assert.Equal(new KeyedEventResult(1, false), again);
    }

    [Fact]
    public async Task A_commit_that_ends_a_wait_drops_it_and_deleting_a_flow_drops_its_waits()
    {
        var store = await NewStoreAsync();
        await WaitAsync(store, "f1", "paid", "o-1");
        await WaitAsync(store, "f2", "paid", "o-1");

        // f1's wait ends (pushed): no raise reaches it any more.
        await store.EnqueueCommandAsync("f1", FlowCommand.Push, "s1", null, null, T0, None);
        var claimed = await ClaimOneAsync(store, "f1", "w2", T0.AddMinutes(1));
        var step = claimed.Steps[1].Clone();
        step.State = StepState.Completed;
        step.WaitEvent = null;
        await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = "w2", Flow = claimed.Flow, Steps = [step], Release = true, EndedKeyedWaits = ["s1"], ConsumedCommands = [claimed.Commands[0].Id],
        }, None);
        Assert.Empty(await store.GetKeyedWaitsAsync("f1", None));

        // f2 ends without a word about its wait: deleting it drops the wait all the same.
        await store.EnqueueCommandAsync("f2", FlowCommand.Cancel, null, null, null, T0, None);
        var f2 = await ClaimOneAsync(store, "f2", "w2", T0.AddMinutes(1));
        var done = f2.Flow.Clone();
        done.State = FlowState.Cancelled;
        done.NextRunAt = null;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = done, Release = true, ConsumedCommands = [f2.Commands[0].Id] }, None);
        Assert.Equal(FlowDeleteOutcome.Deleted, await store.DeleteFlowAsync("f2", None));
        Assert.Empty(await store.GetKeyedWaitsAsync("f2", None));

        Assert.Equal(0, (await store.RaiseKeyedEventAsync(Event("paid", "o-1", 1), T0.AddMinutes(2), None)).Reached);
    }
}
