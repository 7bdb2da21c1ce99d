using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// Routes (queues and worker pools): a flow let go with a route is claimed and counted due only by workers that
/// accept the route; claims, commands and events clear it; input waiting at the release keeps it unrouted.
/// </summary>
public abstract class RouteStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly DateTimeOffset Later = T0.AddMinutes(1);
    private static readonly RouteSet Cpu = new(["default/example.Cpu", "/example.Cpu"]);
    private static readonly RouteSet Gpu = new(["gpu/example.Gpu", "/example.Gpu"]);

    private static async Task ReleaseWithRouteAsync(IFlowStore store, string id, string route, string owner = "w1", DateTimeOffset? deadline = null)
    {
        var claimed = await ClaimOneAsync(store, id, owner);
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        row.NextRunAt = T0;
        row.Route = route;
        row.RouteDeadline = deadline;
        await store.CommitAsync(new FlowTransition { LeaseOwner = owner, Flow = row, Release = true, KnownEventId = claimed.Events.Count == 0 ? 0 : claimed.Events.Max(e => e.Id) }, None);
    }

    [Fact]
    public async Task A_routed_flow_goes_only_to_a_worker_that_accepts_its_route_and_the_claim_clears_the_route()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0.AddSeconds(1)), None);
        await ReleaseWithRouteAsync(store, "f1", "gpu/example.Gpu");
        Assert.Equal("gpu/example.Gpu", (await store.GetFlowAsync("f1", None))!.Route);

        // The CPU pool sees only f2, also when it asks for the next due time.
        Assert.Equal(T0.AddSeconds(1), await store.GetNextDueAsync(Cpu, None));
        Assert.Equal(T0, await store.GetNextDueAsync(Gpu, None));
        Assert.Null(await store.ClaimFlowAsync("f1", "cpu", Cpu, Later, Lease, None));
        Assert.Equal(["f2"], (await store.ClaimDueAsync("cpu", 10, Cpu, Later, Lease, None)).Select(c => c.Flow.Id));
        Assert.Empty(await store.ClaimDueAsync("cpu", 10, Cpu, Later, Lease, None));

        var gpu = Assert.Single(await store.ClaimDueAsync("gpu", 10, Gpu, Later, Lease, None));
        Assert.Equal("f1", gpu.Flow.Id);
        Assert.Null(gpu.Flow.Route);
        Assert.Null((await store.GetFlowAsync("f1", None))!.Route);
    }

    [Fact]
    public async Task A_routed_flow_past_its_route_deadline_goes_to_any_worker()
    {
        var store = await NewStoreAsync();
        var deadline = T0.AddSeconds(30);
        foreach (var id in new[] { "late", "plain", "held" })
        {
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0), None);
        }

        await ReleaseWithRouteAsync(store, "late", "gpu/example.Gpu", deadline: deadline);
        await ReleaseWithRouteAsync(store, "plain", "gpu/example.Gpu");
        await ReleaseWithRouteAsync(store, "held", "gpu/example.Gpu", deadline: deadline);
        Assert.NotNull(await store.ClaimFlowAsync("held", "gpu", Gpu, T0.AddSeconds(1), TimeSpan.FromMinutes(5), None));

        // Before the deadline nothing changes.
        Assert.Equal(0, await store.ReleaseOverdueRoutesAsync(deadline.AddSeconds(-1), None));
        Assert.Empty(await store.ClaimDueAsync("cpu", 10, Cpu, deadline, Lease, None));

        // At the deadline the unleased flow goes to any worker, which fails the late step; the others keep their routes.
        Assert.Equal(1, await store.ReleaseOverdueRoutesAsync(deadline, None));
        Assert.Null((await store.GetFlowAsync("late", None))!.Route);
        Assert.Equal("gpu/example.Gpu", (await store.GetFlowAsync("plain", None))!.Route);
        Assert.Equal(["late"], (await store.ClaimDueAsync("cpu", 10, Cpu, deadline, Lease, None)).Select(c => c.Flow.Id));
        Assert.Equal(0, await store.ReleaseOverdueRoutesAsync(deadline.AddSeconds(10), None));
        Assert.Equal("gpu", (await store.GetFlowAsync("held", None))!.LeaseOwner); // a leased flow is its worker's

    }

    [Fact]
    public async Task A_claim_without_routes_takes_any_flow_and_a_commit_that_holds_the_lease_writes_no_route()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await ReleaseWithRouteAsync(store, "f1", "gpu/example.Gpu");
        var claimed = Assert.Single(await store.ClaimDueAsync("any", 10, Later, Lease, None));

        var row = claimed.Flow.Clone();
        row.Route = "ignored/while.held";
        await store.CommitAsync(new FlowTransition { LeaseOwner = "any", Flow = row }, None);
        Assert.Null((await store.GetFlowAsync("f1", None))!.Route);
    }

    [Fact]
    public async Task Commands_and_events_clear_the_route_so_any_worker_applies_them()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0), None);
        await ReleaseWithRouteAsync(store, "f1", "gpu/example.Gpu");
        await ReleaseWithRouteAsync(store, "f2", "gpu/example.Gpu");
        Assert.Empty(await store.ClaimDueAsync("cpu", 10, Cpu, Later, Lease, None));

        await store.EnqueueCommandAsync("f1", FlowCommand.Cancel, null, null, "alice", Later, None);
        await store.AddEventAsync("f2", "go", null, Later, None);
        Assert.Null((await store.GetFlowAsync("f1", None))!.Route);
        Assert.Equal(["f1", "f2"], (await store.ClaimDueAsync("cpu", 10, Cpu, Later, Lease, None)).Select(c => c.Flow.Id).Order());
    }

    [Fact]
    public async Task Input_that_came_in_while_the_flow_was_held_keeps_a_release_unrouted()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");
        await store.EnqueueCommandAsync("f1", FlowCommand.Cancel, null, null, "alice", T0, None);

        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        row.NextRunAt = T0;
        row.Route = "gpu/example.Gpu";
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Release = true }, None);
        Assert.Null((await store.GetFlowAsync("f1", None))!.Route);
        Assert.Equal(["f1"], (await store.ClaimDueAsync("cpu", 10, Cpu, Later, Lease, None)).Select(c => c.Flow.Id));
    }
}
