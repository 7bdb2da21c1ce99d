using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The flow control contract (<see cref="IFlowLimitStore"/>): a key's slots never exceed its limit, whoever asks
/// at once; a slot frees on release (also inside a commit) and on lease expiry; the oldest waiter of a freed key
/// is made due, and only of that key; a rate bucket allows at most its limit in any window.
/// </summary>
public abstract class LimitStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly DateTimeOffset Fallback = T0.AddSeconds(30);

    private static SlotRequest Ask(string key, int limit, string flowId, DateTimeOffset? now = null, string step = "s0", string owner = "w1") =>
        new(key, limit, flowId, step, owner, now ?? T0, (now ?? T0) + Lease);

    [Fact]
    public async Task Concurrent_acquirers_never_exceed_the_limit()
    {
        var store = await NewStoreAsync();
        var asks = Enumerable.Range(0, 24).Select(i => Task.Run(async () => await store.AcquireSlotAsync(Ask("customer:42", 3, "f" + i), None)));
        var granted = await Task.WhenAll(asks);

        Assert.Equal(3, granted.Count(g => g));
        Assert.Equal(3, await store.CountSlotsAsync("customer:42", T0, None));
        Assert.Equal(0, await store.CountSlotsAsync("customer:7", T0, None));
    }

    [Fact]
    public async Task A_step_that_holds_its_slot_keeps_it_and_is_not_counted_twice()
    {
        var store = await NewStoreAsync();
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1", owner: "w2"), None)); // taken over by another worker
        Assert.Equal(1, await store.CountSlotsAsync("k", T0, None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2"), None));
    }

    [Fact]
    public async Task A_released_slot_wakes_the_oldest_waiter_of_its_key_only()
    {
        var store = await NewStoreAsync();
        foreach (var id in new[] { "a1", "a2", "a3", "b1", "b2" })
        {
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: Fallback), None);
        }

        Assert.True(await store.AcquireSlotAsync(Ask("A", 1, "a1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("A", 1, "a2", T0.AddSeconds(1)), None));
        Assert.False(await store.AcquireSlotAsync(Ask("A", 1, "a3", T0.AddSeconds(2)), None));
        Assert.False(await store.AcquireSlotAsync(Ask("A", 1, "a2", T0.AddSeconds(3)), None)); // asks again, keeps its place

        // Another key is not held up by the busy one.
        Assert.True(await store.AcquireSlotAsync(Ask("B", 1, "b1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("B", 1, "b2"), None));

        var freed = T0.AddSeconds(5);
        await store.ReleaseSlotsAsync("a1", [new LimitSlot("A", "s0")], freed, None);
        Assert.Equal(0, await store.CountSlotsAsync("A", freed, None));
        Assert.Equal(freed, (await store.GetFlowAsync("a2", None))!.NextRunAt);
        Assert.Equal(Fallback, (await store.GetFlowAsync("a3", None))!.NextRunAt);
        Assert.Equal(Fallback, (await store.GetFlowAsync("b2", None))!.NextRunAt);
        Assert.Equal(["a2"], (await store.ClaimDueAsync("w9", 10, freed, Lease, None)).Select(c => c.Flow.Id));

        // The woken waiter takes the slot; the next release wakes the next waiter.
        Assert.True(await store.AcquireSlotAsync(Ask("A", 1, "a2", freed), None));
        await store.ReleaseSlotsAsync("a2", [new LimitSlot("A", "s0")], freed.AddSeconds(1), None);
        Assert.Equal(freed.AddSeconds(1), (await store.GetFlowAsync("a3", None))!.NextRunAt);
    }

    [Fact]
    public async Task A_commit_releases_its_slots_and_wakes_a_waiter_in_the_same_transaction()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: Fallback), None);
        var claimed = await ClaimOneAsync(store, "f1");
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2"), None));

        var at = T0.AddSeconds(2);
        var row = claimed.Flow.Clone();
        row.UpdatedAt = at;
        row.State = FlowState.Completed;
        row.NextRunAt = null;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Release = true, ReleasedSlots = [new LimitSlot("k", "s0")] }, None);

        Assert.Equal(0, await store.CountSlotsAsync("k", at, None));
        Assert.Equal(at, (await store.GetFlowAsync("f2", None))!.NextRunAt);
    }

    [Fact]
    public async Task A_commit_takes_the_slots_and_tokens_of_the_steps_it_starts_in_its_transaction()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");
        FlowTransition Starting(DateTimeOffset at, params LimitTake[] takes)
        {
            var row = claimed.Flow.Clone();
            row.UpdatedAt = at;
            return new FlowTransition { LeaseOwner = "w1", Flow = row, LimitTakes = takes, SlotsExpireAt = at + Lease };
        }

        var slot = new LimitAsk("k", 1, null);
        var token = new LimitAsk("r", 1, TimeSpan.FromSeconds(1));
        if (!store.TakesLimitsInCommit)
        {
            // A store that takes them beside the commit (the engine asks it then) takes none in the commit.
            Assert.Null((await store.CommitAsync(Starting(T0, new LimitTake("s0", [slot, token])), None)).LimitsTaken);
            Assert.Equal(0, await store.CountSlotsAsync("k", T0, None));
            Assert.Null(await store.TakeTokenAsync("r", 1, TimeSpan.FromSeconds(1), T0, None));
            return;
        }

        var first = await store.CommitAsync(Starting(T0, new LimitTake("s0", [slot, token])), None);
        Assert.Equal([new LimitTaken(2, null)], first.LimitsTaken!);
        Assert.Equal(1, await store.CountSlotsAsync("k", T0, None));

        // Full: a slot refused ends its step's take; a token refused says when the next comes back.
        var at = T0.AddMilliseconds(500);
        var second = await store.CommitAsync(Starting(at, new LimitTake("s1", [slot, token]), new LimitTake("s2", [token])), None);
        Assert.Equal([new LimitTaken(0, null), new LimitTaken(0, T0.AddSeconds(1))], second.LimitsTaken!);
        Assert.Equal(1, await store.CountSlotsAsync("k", at, None));

        // A commit refused for its lease takes nothing.
        var other = Starting(at, new LimitTake("s3", [new LimitAsk("other", 5, null)])) with { LeaseOwner = "w2" };
        await Assert.ThrowsAsync<LeaseLostException>(async () => await store.CommitAsync(other, None));
        Assert.Equal(0, await store.CountSlotsAsync("other", at, None));

        // The slot taken in the commit is held until the lease's end, and freed like any other.
        Assert.Equal(0, await store.CountSlotsAsync("k", T0 + Lease, None));
        await store.CommitAsync(Starting(at) with { ReleasedSlots = [new LimitSlot("k", "s0")] }, None);
        Assert.Equal(0, await store.CountSlotsAsync("k", at, None));
    }

    [Fact]
    public async Task A_step_started_in_the_commit_that_frees_a_slot_of_its_key_takes_it_within_the_limit()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");
        Assert.True(await store.AcquireSlotAsync(Ask("k", 2, "f1"), None));
        Assert.True(await store.AcquireSlotAsync(Ask("k", 2, "g1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 2, "h1"), None)); // a waiter of the key
        FlowTransition Next(DateTimeOffset at, string from, string to, int limit)
        {
            var row = claimed.Flow.Clone();
            row.UpdatedAt = at;
            return new FlowTransition
            {
                LeaseOwner = "w1", Flow = row, ReleasedSlots = [new LimitSlot("k", from)],
                LimitTakes = [new LimitTake(to, [new LimitAsk("k", limit, null)])], SlotsExpireAt = at + Lease,
            };
        }

        var at = T0.AddSeconds(1);
        if (!store.TakesLimitsInCommit)
        {
            // Taken beside the commit (by the engine): the commit only frees the slot.
            Assert.Null((await store.CommitAsync(Next(at, "s0", "s1", 2), None)).LimitsTaken);
            Assert.Equal(1, await store.CountSlotsAsync("k", at, None));
            return;
        }

        // The next step of the flow takes the slot its last step frees: the key stays at its limit, the waiter waits.
        Assert.Equal([new LimitTaken(1, null)], (await store.CommitAsync(Next(at, "s0", "s1", 2), None)).LimitsTaken!);
        Assert.Equal(2, await store.CountSlotsAsync("k", at, None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 2, "h1", at), None));

        // Asked with a lower limit the key is over, it is freed and refused, as a release and an ask would be.
        var later = T0.AddSeconds(2);
        Assert.Equal([new LimitTaken(0, null)], (await store.CommitAsync(Next(later, "s1", "s2", 1), None)).LimitsTaken!);
        Assert.Equal(1, await store.CountSlotsAsync("k", later, None));
    }

    [Fact]
    public async Task A_lost_lease_frees_its_slots_and_the_heartbeat_keeps_them()
    {
        var store = await NewStoreAsync();
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2", owner: "w2"), None));

        // Renewed by its owner's heartbeat: still held after the first expiry.
        await store.RenewSlotsAsync("w1", ["f1"], T0.AddSeconds(60), None);
        await store.RenewSlotsAsync("w2", ["f1"], T0.AddSeconds(600), None); // not its slot: changes nothing
        Assert.Equal(1, await store.CountSlotsAsync("k", T0.AddSeconds(45), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2", T0.AddSeconds(45), owner: "w2"), None));

        // No heartbeat: the slot expires with the lease and another step takes it.
        var later = T0.AddSeconds(61);
        Assert.Equal(0, await store.CountSlotsAsync("k", later, None));
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f2", later, owner: "w2"), None));
        Assert.Equal(1, await store.CountSlotsAsync("k", later, None));
    }

    [Fact]
    public async Task An_expired_slot_wakes_the_oldest_waiter_of_its_key()
    {
        var store = await NewStoreAsync();
        var later = T0.AddHours(1);
        foreach (var id in new[] { "f2", "f3", "g2" })
        {
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: later), None);
        }

        // f1's worker dies holding the slot (it expires with the lease, T0 + Lease); g1's worker lives on.
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2", T0.AddSeconds(1)), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f3", T0.AddSeconds(2)), None));
        Assert.True(await store.AcquireSlotAsync(Ask("g", 1, "g1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("g", 1, "g2", T0.AddSeconds(1)), None));
        await store.RenewSlotsAsync("w1", ["g1"], later, None);

        Assert.False(await store.ExpireSlotsAsync(T0 + Lease - TimeSpan.FromSeconds(1), None));
        Assert.Equal(later, (await store.GetFlowAsync("f2", None))!.NextRunAt);

        var expired = T0 + Lease;
        Assert.True(await store.ExpireSlotsAsync(expired, None));
        Assert.Equal(expired, (await store.GetFlowAsync("f2", None))!.NextRunAt);
        Assert.Equal(later, (await store.GetFlowAsync("f3", None))!.NextRunAt);
        Assert.Equal(later, (await store.GetFlowAsync("g2", None))!.NextRunAt);
        Assert.Equal(0, await store.CountSlotsAsync("k", expired, None));
        Assert.Equal(1, await store.CountSlotsAsync("g", expired, None));

        // Nothing left to expire: the next beat wakes no one.
        Assert.False(await store.ExpireSlotsAsync(expired.AddSeconds(10), None));
        Assert.Equal(later, (await store.GetFlowAsync("f3", None))!.NextRunAt);
    }

    [Fact]
    public async Task A_flow_that_ends_frees_its_slots_and_stops_waiting()
    {
        var store = await NewStoreAsync();
        var later = T0.AddHours(1);
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f3", nextRunAt: later), None);
        var holder = await ClaimOneAsync(store, "f1");
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        var cancelled = await ClaimOneAsync(store, "f2", "w2");
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2", T0.AddSeconds(1), owner: "w2"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f3", T0.AddSeconds(2)), None));

        // f2 is cancelled while it waits: its waiter row goes with the commit that ends it.
        var end = cancelled.Flow.Clone();
        end.State = FlowState.Cancelled;
        end.NextRunAt = null;
        end.UpdatedAt = T0.AddSeconds(3);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = end, Release = true, EndsLimits = true }, None);

        // Retried later, f2 runs again but no longer waits for the key: a freed slot is not its wake.
        await store.EnqueueCommandAsync("f2", FlowCommand.Cancel, null, null, "alice", T0.AddSeconds(4), None);
        var again = await ClaimOneAsync(store, "f2", "w2", T0.AddSeconds(4));
        var revived = again.Flow.Clone();
        revived.State = FlowState.Running;
        revived.NextRunAt = later;
        revived.UpdatedAt = T0.AddSeconds(4);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = revived, Release = true, ConsumedCommands = [.. again.Commands.Select(c => c.Id)] }, None);

        // f1 ends with its slot still held (its step was cancelled): the slot is freed and the oldest live waiter woken.
        var at = T0.AddSeconds(5);
        var done = holder.Flow.Clone();
        done.State = FlowState.Cancelled;
        done.NextRunAt = null;
        done.UpdatedAt = at;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = done, Release = true, EndsLimits = true }, None);
        Assert.Equal(0, await store.CountSlotsAsync("k", at, None));
        Assert.Equal(at, (await store.GetFlowAsync("f3", None))!.NextRunAt);
        Assert.Equal(later, (await store.GetFlowAsync("f2", None))!.NextRunAt);
    }

    [Fact]
    public async Task Deleting_a_flow_deletes_its_slots_and_waiter_rows()
    {
        var store = await NewStoreAsync();
        var later = T0.AddHours(1);
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: later), None);
        await store.CreateFlowAsync(MakeFlow("gone", state: FlowState.Completed), None);
        await store.CreateFlowAsync(MakeFlow("held", state: FlowState.Completed), None);
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "gone", T0.AddSeconds(1)), None));
        Assert.True(await store.AcquireSlotAsync(Ask("d", 1, "held"), None));

        Assert.Equal(FlowDeleteOutcome.Deleted, await store.DeleteFlowAsync("gone", None));
        Assert.Equal(FlowDeleteOutcome.Deleted, await store.DeleteFlowAsync("held", None));
        Assert.Equal(0, await store.CountSlotsAsync("d", T0, None));

        // A new flow of the same id is no waiter of the key; the one that asked after it is.
        await store.CreateFlowAsync(MakeFlow("gone", nextRunAt: later), None);
        await store.CreateFlowAsync(MakeFlow("f3", nextRunAt: later), None);
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f3", T0.AddSeconds(2)), None));
        var at = T0.AddSeconds(3);
        await store.ReleaseSlotsAsync("f1", [new LimitSlot("k", "s0")], at, None);
        Assert.Equal(at, (await store.GetFlowAsync("f3", None))!.NextRunAt);
        Assert.Equal(later, (await store.GetFlowAsync("gone", None))!.NextRunAt);
    }

    [Fact]
    public async Task A_refused_flow_woken_before_its_commit_stays_due()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: Fallback), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f2", "w2");
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f1"), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2", owner: "w2"), None));

        // The slot frees while f2's worker is still about to commit its wait: the wake must not be lost.
        var at = T0.AddSeconds(1);
        await store.ReleaseSlotsAsync("f1", [new LimitSlot("k", "s0")], at, None);
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        row.UpdatedAt = at.AddMilliseconds(5);
        row.NextRunAt = Fallback;
        row.WaitReason = "waiting for a concurrency slot: key 'k', limit 1";
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = row, Release = true, WaitsForSlot = true }, None);
        Assert.Equal(at.AddMilliseconds(5), (await store.GetFlowAsync("f2", None))!.NextRunAt);

        // Refused with the slot still held: the commit keeps the fallback.
        var again = await ClaimOneAsync(store, "f2", "w2", at.AddSeconds(1));
        Assert.True(await store.AcquireSlotAsync(Ask("k", 1, "f3", at.AddSeconds(1)), None));
        Assert.False(await store.AcquireSlotAsync(Ask("k", 1, "f2", at.AddSeconds(1), owner: "w2"), None));
        var waiting = again.Flow.Clone();
        waiting.UpdatedAt = at.AddSeconds(1);
        waiting.NextRunAt = Fallback.AddSeconds(5);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = waiting, Release = true, WaitsForSlot = true }, None);
        Assert.Equal(Fallback.AddSeconds(5), (await store.GetFlowAsync("f2", None))!.NextRunAt);
    }

    [Fact]
    public async Task Rate_tokens_come_back_exactly_one_window_after_they_were_taken()
    {
        var store = await NewStoreAsync();
        var per = TimeSpan.FromSeconds(10);
        var taken = new List<DateTimeOffset>();
        for (var ms = 0; ms <= 30_000; ms += 250)
        {
            var at = T0.AddMilliseconds(ms);
            var next = await store.TakeTokenAsync("tenant:a", 3, per, at, None);
            if (next is null)
            {
                taken.Add(at);
            }
            else
            {
                Assert.True(next > at);
            }
        }

        // A sliding window: at most 3 in any 10 s, and every token is used again as soon as it is back.
        Assert.Equal([T0, T0.AddMilliseconds(250), T0.AddMilliseconds(500), T0.AddSeconds(10), T0.AddMilliseconds(10_250), T0.AddMilliseconds(10_500)], taken.Take(6));
        foreach (var start in taken)
        {
            Assert.True(taken.Count(t => t >= start && t < start + per) <= 3);
        }

        Assert.Null(await store.TakeTokenAsync("tenant:b", 1, per, T0, None));
        Assert.Equal(T0.AddSeconds(10), await store.TakeTokenAsync("tenant:b", 1, per, T0.AddSeconds(1), None));
        Assert.Null(await store.TakeTokenAsync("tenant:c", 1, per, T0.AddSeconds(1), None)); // buckets are per key
    }

    [Fact]
    public async Task Concurrent_token_takers_never_exceed_the_limit()
    {
        var store = await NewStoreAsync();
        var takes = Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await store.TakeTokenAsync("t", 5, TimeSpan.FromSeconds(1), T0, None)));
        var results = await Task.WhenAll(takes);
        Assert.Equal(5, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(T0.AddSeconds(1), r));
    }
}
