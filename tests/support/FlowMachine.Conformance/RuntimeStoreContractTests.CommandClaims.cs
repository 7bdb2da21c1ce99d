using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// A command's write that claims its flow for the writing process's idle worker: in the same transaction, and only as a
// claim round would take the flow (due, unleased or its lease run out). A flow under a live lease, even one held by
// the same owner, is left to its holder: a claim beside the holder's run would hand out a second, stale run of it.
public abstract partial class RuntimeStoreContractTests
{
    private static CommandClaim ClaimFor(string owner) => new(owner, null, Lease);

    [Fact]
    public async Task A_command_claims_its_unleased_flow_in_the_same_write()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1"), None);

        var queued = await store.EnqueueCommandAsync("f1", FlowCommand.Push, "s0", null, "me", T0, ClaimFor("w1"), None);

        Assert.True(queued.Found);
        var claimed = Assert.IsType<ClaimedFlow>(queued.Claimed);
        Assert.Equal("w1", claimed.Flow.LeaseOwner);
        Assert.Equal(T0 + Lease, claimed.Flow.LeaseExpiresAt);
        Assert.Equal(["s0", "s1"], claimed.Steps.Select(s => s.Key));
        Assert.Equal(FlowCommand.Push, Assert.Single(claimed.Commands).Kind);
        Assert.Equal(1, claimed.LastSeq);
        Assert.Equal("w1", (await store.GetFlowAsync("f1", None))!.LeaseOwner);
        Assert.Empty(await store.ClaimDueAsync("w2", 10, T0, Lease, None));
    }

    [Fact]
    public async Task A_command_never_claims_a_flow_under_a_live_lease_not_even_for_the_lease_s_owner()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        Assert.Single(await store.ClaimDueAsync("w1", 10, T0, Lease, None));

        var same = await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, null, T0.AddSeconds(1), ClaimFor("w1"), None);
        var other = await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, null, T0.AddSeconds(1), ClaimFor("w2"), None);

        Assert.True(same.Found);
        Assert.Null(same.Claimed);
        Assert.True(other.Found);
        Assert.Null(other.Claimed);
        var row = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal("w1", row.LeaseOwner);
        Assert.Equal(T0 + Lease, row.LeaseExpiresAt);
        Assert.Equal(2, (await store.GetCommandsAsync("f1", None)).Count);

        // When the lease has run out (its holder died), the command's claim takes the flow as a claim round would.
        var late = await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, null, T0 + Lease, ClaimFor("w2"), None);
        Assert.Equal("w2", late.Claimed?.Flow.LeaseOwner);
        Assert.Equal(3, late.Claimed!.Commands.Count);
    }

    [Fact]
    public async Task A_command_for_a_missing_flow_is_not_found_and_claims_nothing()
    {
        var store = await NewStoreAsync();
        var queued = await store.EnqueueCommandAsync("nope", FlowCommand.Push, null, null, null, T0, ClaimFor("w1"), None);
        Assert.False(queued.Found);
        Assert.Null(queued.Claimed);
    }

    [Fact]
    public async Task Concurrent_command_claims_and_claim_rounds_lease_a_flow_to_one_of_them_only()
    {
        var store = await NewStoreAsync();
        for (var round = 0; round < 5; round++)
        {
            var id = "race" + round;
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0), None);

            // Two processes, each with command claims and claim rounds at once: one of all of them wins the flow.
            var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                var owner = "w" + (i % 2);
                return i % 4 < 2
                    ? (await store.EnqueueCommandAsync(id, FlowCommand.Push, null, null, null, T0, ClaimFor(owner), None)).Claimed is null ? 0 : 1
                    : (await store.ClaimDueAsync(owner, 10, T0, Lease, None)).Count(c => c.Flow.Id == id);
            }));
            var won = await Task.WhenAll(attempts);

            Assert.Equal(1, won.Sum());
            Assert.Empty(await store.ClaimDueAsync("w9", 10, T0, Lease, None));
        }
    }
}
