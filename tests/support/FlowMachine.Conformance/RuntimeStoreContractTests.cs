using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The runtime contract (<see cref="IFlowRuntimeStore"/>): creating flows, claiming and leasing them. Committing,
/// commands, events and the next due time are in RuntimeStoreContractTests.Commits.cs.
/// </summary>
public abstract partial class RuntimeStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    [Fact]
    public async Task Create_then_read_back_flow_steps_and_history()
    {
        var store = await NewStoreAsync();
        var result = await store.CreateFlowAsync(MakeFlow("f1", key: "k1"), None);
        Assert.True(result.Created);
        Assert.Equal("f1", result.Flow.Id);

        var flow = await store.GetFlowAsync("f1", None);
        Assert.NotNull(flow);
        Assert.Equal("k1", flow.Key);
        Assert.Equal("label f1", flow.Label);
        Assert.Equal(FlowState.Pending, flow.State);
        Assert.Equal(T0, flow.CreatedAt);
        Assert.Null(flow.NextRunAt);
        Assert.Equal("""{"n":1}""", flow.Input!.ToJsonString());
        Assert.Equal("""{"greeting":"hello"}""", flow.Data.ToJsonString());
        Assert.Equal("f1", (await store.GetFlowByKeyAsync("k1", None))!.Id);
        Assert.Null(await store.GetFlowAsync("nope", None));
        Assert.Null(await store.GetFlowByKeyAsync("nope", None));

        var steps = await store.GetStepsAsync("f1", None);
        Assert.Equal(["s0", "s1"], steps.Select(s => s.Key));
        Assert.All(steps, s => Assert.Equal(StepState.Pending, s.State));

        var history = await store.GetHistoryAsync("f1", 0, 100, None);
        var created = Assert.Single(history);
        Assert.Equal("created", created.Kind);
        Assert.Equal("""{"by":"test"}""", created.Detail!.ToJsonString());
    }

    [Fact]
    public async Task Create_with_a_taken_key_writes_nothing_and_returns_the_first_flow()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", key: "same"), None);
        var second = await store.CreateFlowAsync(MakeFlow("f2", key: "same", steps: 5), None);

        Assert.False(second.Created);
        Assert.Equal("f1", second.Flow.Id);
        Assert.Null(await store.GetFlowAsync("f2", None));
        Assert.Empty(await store.GetStepsAsync("f2", None));
        Assert.Empty(await store.GetHistoryAsync("f2", 0, 10, None));
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_make_one_flow()
    {
        var store = await NewStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await store.CreateFlowAsync(MakeFlow("f" + i, key: "race"), None))));

        var winner = Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(winner.Flow.Id, r.Flow.Id));
        var page = await store.ListFlowsAsync(new FlowQuery { Limit = 100 }, None);
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task Records_handed_out_are_copies()
    {
        var store = await NewStoreAsync();
        var input = MakeFlow("f1", nextRunAt: T0);
        await store.CreateFlowAsync(input, None);

        // Changing what was passed in or handed out changes nothing stored.
        input.Flow.Data["greeting"] = "changed";
        input.Flow.State = FlowState.Failed;
        input.Steps[0].State = StepState.Failed;
        var flow = (await store.GetFlowAsync("f1", None))!;
        flow.Data["greeting"] = "changed too";
        flow.Input!["n"] = 99;
        flow.Label = "changed";
        var steps = await store.GetStepsAsync("f1", None);
        steps[0].State = StepState.Failed;
        var claimed = await ClaimOneAsync(store, "f1");
        claimed.Flow.Data["x"] = 1;
        claimed.Steps[0].Result = 5;

        var again = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal("""{"greeting":"hello"}""", again.Data.ToJsonString());
        Assert.Equal("""{"n":1}""", again.Input!.ToJsonString());
        Assert.Equal("label f1", again.Label);
        Assert.Equal(FlowState.Pending, again.State);
        Assert.All(await store.GetStepsAsync("f1", None), s =>
        {
            Assert.Equal(StepState.Pending, s.State);
            Assert.Null(s.Result);
        });
    }

    // Claiming --------------------------------------------------------------------------------

    [Fact]
    public async Task ClaimDue_takes_due_flows_oldest_first_up_to_max()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("late", nextRunAt: T0.AddSeconds(-1)), None);
        await store.CreateFlowAsync(MakeFlow("early", nextRunAt: T0.AddSeconds(-3)), None);
        await store.CreateFlowAsync(MakeFlow("middle", nextRunAt: T0.AddSeconds(-2)), None);
        await store.CreateFlowAsync(MakeFlow("future", nextRunAt: T0.AddSeconds(5)), None);
        await store.CreateFlowAsync(MakeFlow("idle"), None);

        var first = await store.ClaimDueAsync("w1", 2, T0, Lease, None);
        Assert.Equal(["early", "middle"], first.Select(c => c.Flow.Id));
        Assert.All(first, c =>
        {
            Assert.Equal("w1", c.Flow.LeaseOwner);
            Assert.Equal(T0 + Lease, c.Flow.LeaseExpiresAt);
        });
        Assert.Equal("w1", (await store.GetFlowAsync("early", None))!.LeaseOwner);

        var second = await store.ClaimDueAsync("w2", 10, T0, Lease, None);
        Assert.Equal(["late"], second.Select(c => c.Flow.Id));
        Assert.Empty(await store.ClaimDueAsync("w3", 10, T0, Lease, None));

        var later = await store.ClaimDueAsync("w3", 10, T0.AddSeconds(5), Lease, None);
        Assert.Equal(["future"], later.Select(c => c.Flow.Id));
    }

    [Fact]
    public async Task Eight_concurrent_claimers_never_get_the_same_flow()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 200; i++)
        {
            await store.CreateFlowAsync(MakeFlow($"f{i:D3}", nextRunAt: T0.AddMilliseconds(-i), steps: 1), None);
        }

        var seen = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (true)
            {
                var batch = await store.ClaimDueAsync("w" + w, 5, T0, Lease, None);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var c in batch)
                {
                    Assert.Equal("w" + w, c.Flow.LeaseOwner);
                    seen.Add(c.Flow.Id);
                }
            }
        })));

        Assert.Equal(200, seen.Count);
        Assert.Equal(200, seen.Distinct().Count());
    }

    [Fact]
    public async Task An_expired_lease_makes_the_flow_claimable_again()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        Assert.Single(await store.ClaimDueAsync("w1", 10, T0, Lease, None));

        Assert.Empty(await store.ClaimDueAsync("w2", 10, T0 + Lease - TimeSpan.FromMilliseconds(1), Lease, None));
        Assert.Null(await store.ClaimFlowAsync("f1", "w2", T0.AddSeconds(1), Lease, None));

        var taken = Assert.Single(await store.ClaimDueAsync("w2", 10, T0 + Lease, Lease, None));
        Assert.Equal("w2", taken.Flow.LeaseOwner);
        Assert.Equal(T0 + Lease + Lease, taken.Flow.LeaseExpiresAt);
    }

    [Fact]
    public async Task ClaimFlow_claims_one_due_flow()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("due", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("future", nextRunAt: T0.AddMinutes(1)), None);
        await store.CreateFlowAsync(MakeFlow("idle"), None);

        Assert.Null(await store.ClaimFlowAsync("future", "w1", T0, Lease, None));
        Assert.Null(await store.ClaimFlowAsync("idle", "w1", T0, Lease, None));
        Assert.Null(await store.ClaimFlowAsync("missing", "w1", T0, Lease, None));

        var claimed = await ClaimOneAsync(store, "due", "w1");
        Assert.Equal("w1", claimed.Flow.LeaseOwner);
        Assert.Null(await store.ClaimFlowAsync("due", "w2", T0.AddSeconds(1), Lease, None));

        // The same owner may claim it again (and so extend the lease).
        var again = await ClaimOneAsync(store, "due", "w1", T0.AddSeconds(10));
        Assert.Equal(T0.AddSeconds(10) + Lease, again.Flow.LeaseExpiresAt);
    }

    [Fact]
    public async Task A_claimed_flow_comes_with_steps_commands_events_and_last_seq()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", steps: 3), None);
        Assert.True(await store.EnqueueCommandAsync("f1", FlowCommand.Push, "s1", new JsonObject { ["v"] = 1 }, "alice", T0, None));
        Assert.True(await store.EnqueueCommandAsync("f1", FlowCommand.Submit, null, null, null, T0, None));
        Assert.True(await store.AddEventAsync("f1", "paid", JsonValue.Create(42), T0, None));
        Assert.True(await store.AddEventAsync("f1", "shipped", null, T0, None));

        var claimed = await ClaimOneAsync(store, "f1");
        Assert.Equal(["s0", "s1", "s2"], claimed.Steps.Select(s => s.Key));
        Assert.Equal([FlowCommand.Push, FlowCommand.Submit], claimed.Commands.Select(c => c.Kind));
        Assert.True(claimed.Commands[0].Id < claimed.Commands[1].Id);
        Assert.Equal("alice", claimed.Commands[0].Actor);
        Assert.Equal("s1", claimed.Commands[0].StepKey);
        Assert.Equal("""{"v":1}""", claimed.Commands[0].Payload!.ToJsonString());
        Assert.Equal(T0, claimed.Commands[0].At);
        Assert.Equal(["paid", "shipped"], claimed.Events.Select(e => e.Name));
        Assert.Equal("42", claimed.Events[0].Value!.ToJsonString());
        Assert.Equal(1, claimed.LastSeq);
    }

    [Fact]
    public async Task RenewLeases_extends_held_leases_and_reports_lost_ones()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("a", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("b", nextRunAt: T0), None);
        await ClaimOneAsync(store, "a", "w1");
        await ClaimOneAsync(store, "b", "w2");

        var lost = await store.RenewLeasesAsync("w1", ["a", "b", "missing"], T0.AddMinutes(5), None);
        Assert.Equal(["b", "missing"], lost.Order(StringComparer.Ordinal));
        Assert.Equal(T0.AddMinutes(5), (await store.GetFlowAsync("a", None))!.LeaseExpiresAt);
        Assert.Equal(T0 + Lease, (await store.GetFlowAsync("b", None))!.LeaseExpiresAt);

        // The renewed lease holds past the old expiry.
        var claims = await store.ClaimDueAsync("w3", 10, T0.AddMinutes(1), Lease, None);
        Assert.DoesNotContain(claims, c => c.Flow.Id == "a");
        Assert.Contains(claims, c => c.Flow.Id == "b");
    }
}
