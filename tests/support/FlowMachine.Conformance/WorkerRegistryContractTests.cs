using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>The workers' registry (<see cref="IWorkerRegistry"/>): register, beat, list, remove, forget the silent, and count due flows by route.</summary>
public abstract class WorkerRegistryContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static WorkerRecord Worker(string id, DateTimeOffset at, params string[] queues) => new()
    {
        Id = id,
        Host = "box-1",
        ProcessId = 4242,
        Queues = queues,
        TaskTypes = new Dictionary<string, string> { ["example.Gpu"] = "gpu", ["noop"] = "default" },
        StartedAt = at,
        HeartbeatAt = at,
    };

    [Fact]
    public async Task A_worker_registers_beats_and_leaves()
    {
        var store = await NewStoreAsync();
        await store.RegisterWorkerAsync(Worker("w2", T0, "default"), None);
        await store.RegisterWorkerAsync(Worker("w1", T0, "gpu", "default"), None);
        await store.RegisterWorkerAsync(Worker("w1", T0.AddSeconds(1), "gpu"), None); // registered again: replaced

        var workers = await store.ListWorkersAsync(None);
        Assert.Equal(["w1", "w2"], workers.Select(w => w.Id));
        var w1 = workers[0];
        Assert.Equal(("box-1", 4242, T0.AddSeconds(1)), (w1.Host, w1.ProcessId, w1.StartedAt));
        Assert.Equal(["gpu"], w1.Queues);
        Assert.Equal("gpu", w1.TaskTypes["example.Gpu"]);
        Assert.Equal(2, w1.TaskTypes.Count);

        Assert.True(await store.BeatWorkerAsync("w2", T0.AddSeconds(20), None));
        Assert.False(await store.BeatWorkerAsync("nobody", T0, None));
        Assert.Equal(T0.AddSeconds(20), (await store.ListWorkersAsync(None)).Single(w => w.Id == "w2").HeartbeatAt);

        Assert.Equal(1, await store.RemoveWorkersSilentSinceAsync(T0.AddSeconds(10), None));
        Assert.Equal(["w2"], (await store.ListWorkersAsync(None)).Select(w => w.Id));
        await store.RemoveWorkerAsync("w2", None);
        Assert.Empty(await store.ListWorkersAsync(None));
    }

    [Fact]
    public async Task Due_unleased_flows_are_counted_by_route()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("a", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("b", nextRunAt: T0.AddSeconds(1)), None);
        await store.CreateFlowAsync(MakeFlow("c", nextRunAt: T0.AddSeconds(2)), None);
        await store.CreateFlowAsync(MakeFlow("later", nextRunAt: T0.AddHours(1)), None);
        await store.CreateFlowAsync(MakeFlow("held", nextRunAt: T0), None);
        await ClaimOneAsync(store, "held", "w9");
        foreach (var id in new[] { "a", "b" })
        {
            var claimed = await ClaimOneAsync(store, id, "w1", T0.AddSeconds(5));
            var row = claimed.Flow.Clone();
            row.Route = "gpu/example.Gpu";
            await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Release = true }, None);
        }

        var depths = await store.GetRouteDepthsAsync(T0.AddMinutes(1), None);
        Assert.Equal(2, depths.Count);
        Assert.Equal(new RouteDepth(null, 1, T0.AddSeconds(2)), depths.Single(d => d.Route is null));
        Assert.Equal(new RouteDepth("gpu/example.Gpu", 2, T0), depths.Single(d => d.Route is not null));
    }
}
