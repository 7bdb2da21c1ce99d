using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// Listing the kept events and the keyed waits (the dashboard's and the API's view of events by key).
public abstract partial class KeyedEventStoreContractTests
{
    [Fact]
    public async Task Kept_events_are_listed_latest_first_with_their_id_filtered_by_name_key_and_owner_until_they_expire()
    {
        var store = await NewStoreAsync();
        await store.RaiseKeyedEventAsync(new KeyedEvent("shipment.packed", "A-1", new JsonObject { ["box"] = 1 }, "m-1", null, Day), T0, None);
        await store.RaiseKeyedEventAsync(new KeyedEvent("shipment.packed", "B-2", "b", null, "alice", Day), T0.AddMinutes(1), None);
        await store.RaiseKeyedEventAsync(new KeyedEvent("order.paid", "A-1", null, "m-2", "bob", T0.AddHours(1)), T0.AddMinutes(2), None);

        var all = await store.ListKeptEventsAsync(new KeyedEventFilter(null, null, null, 100), T0.AddMinutes(3), None);
        Assert.Equal([("order.paid", "A-1", "bob"), ("shipment.packed", "B-2", "alice"), ("shipment.packed", "A-1", (string?)null)],
            all.Select(e => (e.Name, e.Key, e.Owner)));
        var first = all[2];
        Assert.Equal(("m-1", 1, T0, Day), (first.Id, first.Value!["box"]!.GetValue<int>(), first.RaisedAt, first.KeepUntil));
        Assert.Null(all[1].Id);

        Assert.Equal(["B-2", "A-1"], (await store.ListKeptEventsAsync(new KeyedEventFilter("shipment.packed", null, null, 100), T0.AddMinutes(3), None)).Select(e => e.Key));
        Assert.Equal(["order.paid", "shipment.packed"], (await store.ListKeptEventsAsync(new KeyedEventFilter(null, "A-1", null, 100), T0.AddMinutes(3), None)).Select(e => e.Name));
        Assert.Equal(["B-2"], (await store.ListKeptEventsAsync(new KeyedEventFilter(null, null, "alice", 100), T0.AddMinutes(3), None)).Select(e => e.Key));
        Assert.Single(await store.ListKeptEventsAsync(new KeyedEventFilter(null, null, null, 1), T0.AddMinutes(3), None));

        // Past its time an event is not listed (bob's expires after an hour).
        Assert.DoesNotContain(await store.ListKeptEventsAsync(new KeyedEventFilter(null, null, null, 100), T0.AddHours(2), None), e => e.Owner == "bob");

        // A newer event of the same name, key and owner replaces the kept one, id included.
        await store.RaiseKeyedEventAsync(new KeyedEvent("shipment.packed", "A-1", "newer", null, null, Day), T0.AddMinutes(4), None);
        var replaced = Assert.Single(await store.ListKeptEventsAsync(new KeyedEventFilter("shipment.packed", "A-1", null, 100), T0.AddMinutes(5), None));
        Assert.Equal(("newer", null, T0.AddMinutes(4)), (replaced.Value!.GetValue<string>(), replaced.Id, replaced.RaisedAt));
    }

    [Fact]
    public async Task Keyed_waits_are_listed_with_their_flow_routine_and_step_filtered_by_name_key_and_owner()
    {
        var store = await NewStoreAsync();
        await WaitAsync(store, "f1", "shipment.packed", "A-1", owner: "alice", at: T0.AddMinutes(1), routine: "ship");
        await WaitAsync(store, "f2", "shipment.packed", "B-2", owner: "bob", at: T0.AddMinutes(2));
        await WaitAsync(store, "f3", "order.paid", "A-1", owner: "alice", at: T0.AddMinutes(3), routine: "pay");

        var all = await store.ListKeyedWaitsAsync(new KeyedEventFilter(null, null, null, 100), None);
        Assert.Equal([("f3", "order.paid", "A-1"), ("f1", "shipment.packed", "A-1"), ("f2", "shipment.packed", "B-2")], all.Select(w => (w.FlowId, w.EventName, w.Key)));
        Assert.Equal(new KeyedWaitRecord("f1", "ship", "s1", "shipment.packed", "A-1", "alice", T0.AddMinutes(1)), all[1]);
        Assert.Null(all[2].Routine);

        Assert.Equal(["f1", "f2"], (await store.ListKeyedWaitsAsync(new KeyedEventFilter("shipment.packed", null, null, 100), None)).Select(w => w.FlowId));
        Assert.Equal(["f3", "f1"], (await store.ListKeyedWaitsAsync(new KeyedEventFilter(null, "A-1", null, 100), None)).Select(w => w.FlowId));
        Assert.Equal(["f2"], (await store.ListKeyedWaitsAsync(new KeyedEventFilter(null, null, "bob", 100), None)).Select(w => w.FlowId));
        Assert.Equal(["f3"], (await store.ListKeyedWaitsAsync(new KeyedEventFilter(null, null, null, 1), None)).Select(w => w.FlowId));

        // A wait the event reached is no longer listed.
        await store.RaiseKeyedEventAsync(new KeyedEvent("shipment.packed", "A-1", 1, null, null, Day), T0.AddMinutes(4), None);
        Assert.DoesNotContain(await store.ListKeyedWaitsAsync(new KeyedEventFilter(null, null, null, 100), None), w => w.FlowId == "f1");
    }
}
