using System.Collections.Concurrent;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>
/// Queues and worker pools: two engines on one store, each with its own task types and queues, run flows that
/// mix their steps; each step runs in the pool that has its type and serves its queue, none fails for a missing type.
/// </summary>
public abstract class RoutingScenarios : ScenarioBase
{
    private const string Mixed = """
        tasks:
          - { key: a, task_type: q.cpu }
          - { key: b, task_type: q.gpu }
          - { key: c, task_type: q.cpu }
          - { key: d, task_type: noop, queue: gpu }
          - { key: e, task_type: q.cpu }
        """;

    private readonly ConcurrentDictionary<string, string> ranBy = new(StringComparer.Ordinal);

    private TaskRegistry Pool(string name, params string[] types)
    {
        var registry = new TaskRegistry().AddBuiltIns();
        foreach (var type in types)
        {
            registry.Register(new TaskTypeInfo
            {
                Name = type,
                Queue = type == "q.gpu" ? "gpu" : null,
                Factory = _ => new RecordingTask(ranBy, name),
            });
        }

        return registry;
    }

    private static FlowEngine Engine(IFlowStore store, ITaskCatalog catalog, params string[] queues) =>
        new(store, catalog, new FlowEngineOptions { Queues = queues, LeaseDuration = TimeSpan.FromSeconds(10) });

    private static async Task<FlowRecord[]> WaitForAsync(IFlowStore store, IReadOnlyList<string> ids, Func<FlowRecord, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var flows = await Task.WhenAll(ids.Select(id => store.GetFlowAsync(id, CancellationToken.None).AsTask()));
            if (flows.All(f => done(f!)) || DateTime.UtcNow > deadline)
            {
                return flows!;
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Flows_mixing_the_steps_of_two_pools_complete_with_each_step_in_its_own_pool()
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        await using var starter = Engine(store, Pool("api", "q.cpu", "q.gpu"), "default");
        await using var cpu = Engine(store, Pool("cpu", "q.cpu"), "default");
        await using var gpu = Engine(store, Pool("gpu", "q.gpu"), "gpu");
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await starter.StartAsync(new StartFlowRequest { SpecText = Mixed })).Flow.Id);
        }

        // A long poll: the pools hand flows to each other by waking, not by polling.
        using var stop = new CancellationTokenSource();
        var options = new FlowWorkerOptions { Concurrency = 8, PollInterval = TimeSpan.FromSeconds(20) };
        var workers = new[] { new FlowWorker(cpu, options).RunAsync(stop.Token), new FlowWorker(gpu, options).RunAsync(stop.Token) };
        var flows = await WaitForAsync(store, ids, f => f.State.IsTerminal(), TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.All(flows, f => Assert.Equal(FlowState.Completed, f.State));
        foreach (var id in ids)
        {
            Assert.Equal(["cpu", "gpu", "cpu", "cpu"], new[] { "a", "b", "c", "e" }.Select(k => ranBy[$"{id}/{k}"]));
            Assert.All(await store.GetStepsAsync(id, CancellationToken.None), s => Assert.Equal(1, s.Attempts));
        }
    }

    [Fact]
    public async Task A_flow_whose_queue_no_worker_serves_waits_routed_there_until_one_starts()
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        await using var cpu = Engine(store, Pool("cpu", "q.cpu"), "default");
        var id = (await cpu.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: a, task_type: q.cpu }, { key: b, task_type: q.cpu, queue: night }]" })).Flow.Id;
        var cancelled = (await cpu.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: a, task_type: q.cpu, queue: night }]" })).Flow.Id;

        using var stop = new CancellationTokenSource();
        var options = new FlowWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(50) };
        var worker = new FlowWorker(cpu, options).RunAsync(stop.Token);
        var waiting = await WaitForAsync(store, [id, cancelled], f => f.Route is not null, TimeSpan.FromSeconds(20));
        Assert.Equal(["night/q.cpu", "night/q.cpu"], waiting.Select(f => f.Route));
        Assert.All(waiting, f => Assert.Equal(FlowState.Running, f.State));
        Assert.Equal(StepState.Completed, (await store.GetStepsAsync(id, CancellationToken.None))[0].State);
        Assert.Equal(StepState.Pending, (await store.GetStepsAsync(id, CancellationToken.None))[1].State);

        // A cancel goes to any worker: the flow need not wait for the night pool to end.
        Assert.Equal(CommandStatus.Accepted, (await cpu.CancelAsync(cancelled, "not tonight")).Status);
        Assert.Equal(FlowState.Cancelled, (await WaitForAsync(store, [cancelled], f => f.State.IsTerminal(), TimeSpan.FromSeconds(20)))[0].State);

        await using var night = Engine(store, Pool("night", "q.cpu"), "night");
        var nightWorker = new FlowWorker(night, options).RunAsync(stop.Token);
        var done = await WaitForAsync(store, [id], f => f.State.IsTerminal(), TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await Task.WhenAll(worker, nightWorker);
        Assert.Equal(FlowState.Completed, done[0].State);
        Assert.Equal("night", ranBy[$"{id}/b"]);
    }

    [Fact]
    public async Task A_step_on_a_queue_no_worker_serves_fails_after_its_schedule_to_start()
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        var clock = new Testing.ManualClock();
        await using var cpu = new FlowEngine(store, Pool("cpu", "q.cpu"), new FlowEngineOptions { Queues = ["default"], Time = clock, FollowStoreClock = false });
        var id = (await cpu.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: a, task_type: q.cpu }, { key: b, task_type: q.cpu, queue: night, schedule_to_start: 30s }]" })).Flow.Id;

        using var stop = new CancellationTokenSource();
        var worker = new FlowWorker(cpu, new FlowWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(50) }).RunAsync(stop.Token);
        var waiting = await WaitForAsync(store, [id], f => f.Route is not null, TimeSpan.FromSeconds(20));
        Assert.Equal("night/q.cpu", waiting[0].Route);

        // No worker serves the night queue; the heartbeat (every 10 s) hands the flow to any worker once b is late.
        FlowRecord[] done = [];
        for (var beat = 0; beat < 6 && done is not [{ State: FlowState.Failed }]; beat++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            done = await WaitForAsync(store, [id], f => f.State.IsTerminal(), TimeSpan.FromSeconds(2));
        }

        await stop.CancelAsync();
        await worker;
        Assert.Equal(FlowState.Failed, done[0].State);
        var b = (await store.GetStepsAsync(id, CancellationToken.None))[1];
        Assert.Equal("step 'b' was not started within 30s (schedule_to_start)", b.Error);
        Assert.Equal(0, b.Attempts);
        Assert.False(ranBy.ContainsKey($"{id}/b"));
    }

    [Fact]
    public async Task A_host_without_a_task_type_starts_flows_for_it_only_while_a_live_worker_has_it()
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        await using var api = Engine(store, Pool("api"), "default");
        const string spec = "tasks: [{ key: train, task_type: q.gpu }]";
        var refused = await Assert.ThrowsAsync<FlowMachine.Specs.SpecException>(() => api.StartAsync(new StartFlowRequest { SpecText = spec }));
        Assert.Contains("q.gpu", refused.Message, StringComparison.Ordinal);

        var now = DateTimeOffset.UtcNow;
        var worker = new WorkerRecord { Id = "gpu-1", Host = "h", Queues = ["gpu"], TaskTypes = new Dictionary<string, string> { ["q.gpu"] = "gpu" }, StartedAt = now, HeartbeatAt = now };
        await store.RegisterWorkerAsync(worker with { HeartbeatAt = now.AddMinutes(-5) }, CancellationToken.None);
        await Assert.ThrowsAsync<FlowMachine.Specs.SpecException>(() => api.StartAsync(new StartFlowRequest { SpecText = spec })); // a silent worker does not count

        await store.RegisterWorkerAsync(worker, CancellationToken.None);
        var started = await api.StartAsync(new StartFlowRequest { SpecText = spec });
        Assert.Equal(FlowState.Pending, started.Flow.State);
        var other = await Assert.ThrowsAsync<FlowMachine.Specs.SpecException>(() => api.StartAsync(new StartFlowRequest { SpecText = "tasks: [q.gpu, q.nothing]" }));
        Assert.Contains("q.nothing", other.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'q.gpu'", other.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingTask(ConcurrentDictionary<string, string> ranBy, string pool) : IFlowTask
    {
        public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
        {
            ranBy[$"{context.FlowId}/{context.StepKey}"] = pool;
            return ValueTask.FromResult<Outcome>(Outcome.Result(pool));
        }
    }
}
