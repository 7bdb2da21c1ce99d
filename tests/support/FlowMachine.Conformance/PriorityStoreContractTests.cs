using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// Priorities (<see cref="FlowRecord.Priority"/>): claims take due flows by priority (highest first), then due
/// time, then id; a backlog of low-priority flows does not hold back a higher one started after it.
/// </summary>
public abstract class PriorityStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly DateTimeOffset Later = T0.AddHours(1);

    [Fact]
    public async Task A_high_priority_flow_started_behind_a_backlog_is_claimed_in_the_next_round()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 300; i++)
        {
            await store.CreateFlowAsync(MakeFlow($"b{i:D3}", nextRunAt: T0.AddMilliseconds(i)), None);
        }

        await store.CreateFlowAsync(Prioritized("urgent", 5, T0.AddMinutes(1)), None);

        var claimed = await store.ClaimDueAsync("w1", 10, Later, Lease, None);
        Assert.Equal(["urgent", .. Enumerable.Range(0, 9).Select(i => $"b{i:D3}")], claimed.Select(c => c.Flow.Id));
        Assert.Equal(5, claimed[0].Flow.Priority);
        Assert.Equal(0, claimed[1].Flow.Priority);
    }

    [Fact]
    public async Task Claims_come_out_by_priority_then_due_time_then_id()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(Prioritized("p2-late", 2, T0.AddSeconds(3)), None);
        await store.CreateFlowAsync(Prioritized("p2-early", 2, T0.AddSeconds(1)), None);
        await store.CreateFlowAsync(Prioritized("p0-early", 0, T0), None);
        await store.CreateFlowAsync(Prioritized("p7", 7, T0.AddSeconds(5)), None);
        await store.CreateFlowAsync(Prioritized("m1-oldest", -1, T0.AddSeconds(-10)), None);
        await store.CreateFlowAsync(Prioritized("p0-late-b", 0, T0.AddSeconds(2)), None);
        await store.CreateFlowAsync(Prioritized("p0-late-a", 0, T0.AddSeconds(2)), None);
        await store.CreateFlowAsync(Prioritized("m5", -5, T0.AddSeconds(-20)), None);

        string[] expected = ["p7", "p2-early", "p2-late", "p0-early", "p0-late-a", "p0-late-b", "m1-oldest", "m5"];
        var all = await store.ClaimDueAsync("w1", 10, Later, Lease, None);
        Assert.Equal(expected, all.Select(c => c.Flow.Id));
        Assert.Equal([7, 2, 2, 0, 0, 0, -1, -5], all.Select(c => c.Flow.Priority));

        // In rounds of three the same order, each round taking the best of what is left.
        var again = await NewStoreAsync();
        foreach (var c in all)
        {
            await again.CreateFlowAsync(Prioritized(c.Flow.Id, c.Flow.Priority, c.Flow.NextRunAt!.Value), None);
        }

        var rounds = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            var claimed = await again.ClaimDueAsync("w" + round, 3, Later, Lease, None);
            Assert.True(claimed.Count <= 3);
            rounds.AddRange(claimed.Select(c => c.Flow.Id));
        }

        Assert.Equal(expected, rounds);
    }

    [Fact]
    public async Task A_negative_priority_flow_waits_for_every_due_flow_of_priority_0()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(Prioritized("low", -3, T0.AddMinutes(-30)), None);
        await store.CreateFlowAsync(MakeFlow("normal", nextRunAt: T0), None);

        Assert.Equal(["normal"], (await store.ClaimDueAsync("w1", 1, Later, Lease, None)).Select(c => c.Flow.Id));
        Assert.Equal(["low"], (await store.ClaimDueAsync("w2", 1, Later, Lease, None)).Select(c => c.Flow.Id));
        Assert.Empty(await store.ClaimDueAsync("w3", 1, Later, Lease, None));
    }

    [Fact]
    public async Task A_prioritized_flow_that_is_not_due_is_neither_claimed_nor_ahead_of_due_ones_and_counts_for_the_next_due_time()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(Prioritized("future", 9, Later.AddMinutes(5)), None);
        await store.CreateFlowAsync(MakeFlow("now", nextRunAt: T0.AddMinutes(10)), None);
        await store.CreateFlowAsync(Prioritized("low-soon", -2, T0.AddMinutes(1)), None);

        Assert.Equal(T0.AddMinutes(1), await store.GetNextDueAsync(None));
        Assert.Equal(["now", "low-soon"], (await store.ClaimDueAsync("w1", 10, Later, Lease, None)).Select(c => c.Flow.Id));
        Assert.Empty(await store.ClaimDueAsync("w1", 10, Later, Lease, None));

        // By then the first two leases have run out: all three come back, by priority.
        Assert.Equal(["future", "now", "low-soon"], (await store.ClaimDueAsync("w2", 10, Later.AddMinutes(5), Lease, None)).Select(c => c.Flow.Id));
    }

    [Fact]
    public async Task The_priority_is_stored_and_kept_by_commits_and_expired_leases_are_reclaimed_by_priority()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(Prioritized("f1", 4, T0), None);
        await store.CreateFlowAsync(Prioritized("f2", -4, T0), None);
        Assert.Equal(4, (await store.GetFlowAsync("f1", None))!.Priority);
        Assert.Equal(-4, (await store.GetFlowByKeyAsync("key-f2", None))!.Priority);

        var claimed = await ClaimOneAsync(store, "f1");
        var row = claimed.Flow.Clone();
        row.Priority = 0; // a commit cannot change it
        row.Position = 1;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, History = [new HistoryEvent("f1", 2, T0, "step", "s0", null)] }, None);
        Assert.Equal(4, (await store.GetFlowAsync("f1", None))!.Priority);

        // f1 is still leased to w1; once the lease runs out it comes back ahead of f2.
        var reclaimed = await store.ClaimDueAsync("w2", 10, T0 + Lease + TimeSpan.FromSeconds(1), Lease, None);
        Assert.Equal(["f1", "f2"], reclaimed.Select(c => c.Flow.Id));
        Assert.Equal(4, reclaimed[0].Flow.Priority);
    }

    private static NewFlow Prioritized(string id, int priority, DateTimeOffset due)
    {
        var flow = MakeFlow(id, key: "key-" + id, nextRunAt: due);
        flow.Flow.Priority = priority;
        return flow;
    }
}
