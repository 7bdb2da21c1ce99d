using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// A flow stored already leased (the engine's hand-off to the starting process's worker): nobody else claims it while
// the lease holds, its owner commits it without a claim, and when the owner dies before running it the lease runs out
// and any worker claims it.
public abstract partial class RuntimeStoreContractTests
{
    private static NewFlow LeasedAtCreate(string id, string owner, DateTimeOffset expires)
    {
        var flow = MakeFlow(id, nextRunAt: T0);
        (flow.Flow.LeaseOwner, flow.Flow.LeaseExpiresAt) = (owner, expires);
        return flow;
    }

    [Fact]
    public async Task A_flow_created_leased_is_claimed_by_nobody_until_its_lease_runs_out()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(LeasedAtCreate("f1", "dead", T0 + Lease), None);
        var stored = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal("dead", stored.LeaseOwner);
        Assert.Equal(T0 + Lease, stored.LeaseExpiresAt);

        // While the lease holds: no claim round, no targeted claim, and the next due time is the lease's end.
        Assert.Empty(await store.ClaimDueAsync("w2", 10, T0, Lease, None));
        Assert.Empty(await store.ClaimDueAsync("w2", 10, T0 + Lease - TimeSpan.FromMilliseconds(1), Lease, None));
        Assert.Null(await store.ClaimFlowAsync("f1", "w2", T0.AddSeconds(1), Lease, None));
        Assert.Equal(T0 + Lease, await store.GetNextDueAsync(None));

        // Its owner died before running it: when the lease runs out, a claim round hands it to another worker, unrun.
        var taken = Assert.Single(await store.ClaimDueAsync("w2", 10, T0 + Lease, Lease, None));
        Assert.Equal("f1", taken.Flow.Id);
        Assert.Equal("w2", taken.Flow.LeaseOwner);
        Assert.Equal(T0 + Lease + Lease, taken.Flow.LeaseExpiresAt);
        Assert.All(taken.Steps, s => Assert.Equal(StepState.Pending, s.State));
        Assert.All(taken.Steps, s => Assert.Equal(0, s.Attempts));
    }

    [Fact]
    public async Task A_flow_created_leased_is_committed_by_its_owner_without_a_claim()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(LeasedAtCreate("f1", "w1", T0 + Lease), None);
        var row = (await store.GetFlowAsync("f1", None))!;
        row.State = FlowState.Running;
        row.UpdatedAt = T0.AddSeconds(1);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row }, None);
        Assert.Equal(FlowState.Running, (await store.GetFlowAsync("f1", None))!.State);

        // Anyone else is refused.
        await Assert.ThrowsAsync<LeaseLostException>(async () => await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = row }, None));
    }

    [Fact]
    public async Task A_flow_created_leased_does_not_hold_back_unleased_due_flows()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(LeasedAtCreate("mine", "w1", T0 + Lease), None);
        await store.CreateFlowAsync(MakeFlow("free", nextRunAt: T0), None);

        var claimed = Assert.Single(await store.ClaimDueAsync("w2", 10, T0, Lease, None));
        Assert.Equal("free", claimed.Flow.Id);
    }
}
