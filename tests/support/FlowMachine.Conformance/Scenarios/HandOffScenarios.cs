using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>
/// The hand-off: a flow started in a process whose worker idles with a slot to spare is stored leased to that worker
/// and run there without a claim round. Flows it cannot run, or that would take its last free slot, go through the
/// store and a claim round, where routes, priorities and due times decide; limits hold either way.
/// </summary>
public abstract class HandOffScenarios : ScenarioBase
{
    private static readonly FlowWorkerOptions LongPoll = new() { Concurrency = 4, PollInterval = TimeSpan.FromSeconds(20) };

    private static async Task<FlowRecord> WaitForAsync(IFlowStore store, string id, Func<FlowRecord, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var flow = (await store.GetFlowAsync(id, CancellationToken.None))!;
            if (done(flow) || DateTime.UtcNow > deadline)
            {
                return flow;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>An engine on a watched new store with a worker that has gone idle (its first claim round came back empty).</summary>
    private async Task<Rig> RigAsync(FlowWorkerOptions? options = null, params string[] queues)
    {
        var inner = CreateStore();
        await inner.InitializeAsync(CancellationToken.None);
        var (store, watch) = ClaimWatch.Wrap(inner);
        var registry = new TaskRegistry().AddBuiltIns().RegisterAssembly(typeof(GateTask).Assembly);
        var engineOptions = new FlowEngineOptions { LeaseDuration = TimeSpan.FromSeconds(10) };
        if (queues.Length > 0)
        {
            engineOptions.Queues = queues;
        }

        var rig = new Rig(store, watch, new FlowEngine(store, registry, engineOptions), options ?? LongPoll);
        var idle = watch.IdleAsync();
        rig.Start();
        await idle;
        return rig;
    }

    private sealed class Rig(IFlowStore store, ClaimWatch watch, FlowEngine engine, FlowWorkerOptions options) : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private Task running = Task.CompletedTask;

        public IFlowStore Store => store;

        public ClaimWatch Watch => watch;

        public FlowEngine Engine => engine;

        public FlowWorker Worker { get; } = new(engine, options);

        public void Start() => running = Worker.RunAsync(stop.Token);

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await running;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            stop.Dispose();
            await engine.DisposeAsync();
        }
    }

    private static async Task<string> StartAsync(FlowEngine engine, string spec, int? priority = null, JsonObject? input = null) =>
        (await engine.StartAsync(new StartFlowRequest { SpecText = spec, Priority = priority, Input = input })).Flow.Id;

    [Fact]
    public async Task A_flow_started_beside_an_idle_worker_runs_there_without_a_claim_round()
    {
        await using var rig = await RigAsync();
        var (store, watch, engine) = (rig.Store, rig.Watch, rig.Engine);

        var id = await StartAsync(engine, "tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]");
        var done = await WaitForAsync(store, id, f => f.State.IsTerminal());
        await rig.StopAsync();

        Assert.Equal(FlowState.Completed, done.State);
        Assert.Equal(0, watch.ClaimsOf(id));
        Assert.Null(done.LeaseOwner);
        Assert.All(await store.GetStepsAsync(id, CancellationToken.None), s => Assert.Equal(1, s.Attempts));
    }

    [Fact]
    public async Task A_push_beside_an_idle_worker_claims_the_flow_for_it_in_the_command_s_write()
    {
        await using var rig = await RigAsync();
        var (store, watch, engine) = (rig.Store, rig.Watch, rig.Engine);

        var id = await StartAsync(engine, "tasks: [{ key: gate, task_type: wait }, { key: after, task_type: noop }]");
        await WaitForAsync(store, id, f => f.State == FlowState.Waiting && f.LeaseOwner is null);
        Assert.Equal(CommandStatus.Accepted, (await engine.PushAsync(id, JsonValue.Create("go"))).Status);
        var done = await WaitForAsync(store, id, f => f.State.IsTerminal());
        await rig.StopAsync();

        Assert.Equal(FlowState.Completed, done.State);
        Assert.Equal(0, watch.ClaimsOf(id)); // neither the start nor the push needed a claim
        Assert.Equal("go", (await store.GetStepsAsync(id, CancellationToken.None))[0].Result!.GetValue<string>());
    }

    [Fact]
    public async Task Pushes_raced_from_two_processes_with_their_claim_rounds_run_every_step_exactly_once()
    {
        await using var rig = await RigAsync();
        var (store, engine) = (rig.Store, rig.Engine);
        await using var elsewhere = new FlowEngine(store, new TaskRegistry().AddBuiltIns().RegisterAssembly(typeof(GateTask).Assembly), new FlowEngineOptions { WorkerId = "elsewhere", LeaseDuration = TimeSpan.FromSeconds(10) });
        using var stop = new CancellationTokenSource();
        var worker = new FlowWorker(elsewhere, new FlowWorkerOptions { Concurrency = 4, PollInterval = TimeSpan.FromMilliseconds(200) }).RunAsync(stop.Token);

        // Gates, each followed by a counted step. Every gate is pushed six times at once, from both processes: the
        // first push completes it, the others find it no longer waiting (refused, or ignored by the run).
        const int gates = 6;
        var spec = "tasks: [" + string.Join(", ", Enumerable.Range(0, gates).Select(i => $"{{ key: g{i}, task_type: wait }}, {{ key: c{i}, task_type: t.count }}")) + "]";
        var id = await StartAsync(engine, spec);
        for (var i = 0; i < gates; i++)
        {
            var gate = "g" + i;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((await store.GetStepsAsync(id, CancellationToken.None)).Single(s => s.Key == gate).State != StepState.Waiting && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await Task.WhenAll(Enumerable.Range(0, 6).Select(n => Task.Run(async () =>
                await (n % 2 == 0 ? engine : elsewhere).PushAsync(id, JsonValue.Create(n), gate))));
        }

        var done = await WaitForAsync(store, id, f => f.State.IsTerminal());
        await stop.CancelAsync();
        await worker;
        await rig.StopAsync();

        Assert.Equal(FlowState.Completed, done.State);
        var steps = await store.GetStepsAsync(id, CancellationToken.None);
        Assert.All(steps, s => Assert.Equal((s.Key, StepState.Completed, 1), (s.Key, s.State, s.Attempts)));
        Assert.All(Enumerable.Range(0, gates), i => Assert.Equal(1, Executions.Of(id, "c" + i)));
    }

    [Fact]
    public async Task A_flow_whose_first_step_runs_in_another_pool_goes_through_a_claim_round()
    {
        await using var rig = await RigAsync(null, "default");
        var (store, watch, engine) = (rig.Store, rig.Watch, rig.Engine);

        var id = await StartAsync(engine, "tasks: [{ key: a, task_type: noop, queue: night }]");
        var routed = await WaitForAsync(store, id, f => f.Route is not null);
        await rig.StopAsync();

        Assert.Equal("night/noop", routed.Route);
        Assert.Null(routed.LeaseOwner);
        Assert.True(watch.ClaimsOf(id) >= 1);
        Assert.Equal(StepState.Pending, (await store.GetStepsAsync(id, CancellationToken.None))[0].State);
    }

    [Fact]
    public async Task The_last_free_slot_goes_through_a_claim_round_where_a_higher_priority_flow_from_elsewhere_wins()
    {
        await using var rig = await RigAsync(new FlowWorkerOptions { Concurrency = 1, PollInterval = TimeSpan.FromSeconds(20) });
        var (store, watch, engine) = (rig.Store, rig.Watch, rig.Engine);
        await using var elsewhere = new FlowEngine(store, new TaskRegistry().AddBuiltIns());
        var order = new ConcurrentQueue<string>();
        engine.Committed += t =>
        {
            if (t.History.Any(h => h.Kind == HistoryKinds.StepStarted))
            {
                order.Enqueue(t.Flow.Id);
            }
        };

        // Another process starts an urgent flow (this worker may not have heard of it), then this one a low one.
        var high = await StartAsync(elsewhere, "tasks: [{ key: a, task_type: noop }]", priority: 5);
        var low = await StartAsync(engine, "tasks: [{ key: a, task_type: noop }]", priority: -5);
        var lowDone = await WaitForAsync(store, low, f => f.State.IsTerminal());
        var highDone = await WaitForAsync(store, high, f => f.State.IsTerminal());
        await rig.StopAsync();

        Assert.Equal(FlowState.Completed, lowDone.State);
        Assert.Equal(FlowState.Completed, highDone.State);
        Assert.Equal(1, watch.ClaimsOf(low));
        Assert.Equal(high, order.First());
    }

    [Fact]
    public async Task Hand_offs_keep_the_worker_within_its_concurrency_and_flows_within_their_limits()
    {
        await using var rig = await RigAsync(new FlowWorkerOptions { Concurrency = 3, PollInterval = TimeSpan.FromSeconds(20) });
        var (store, watch, engine) = (rig.Store, rig.Watch, rig.Engine);

        // Four flows, two under one key limited to one at a time: the first two handed off (a slot stays free), the rest claimed.
        const string spec = "tasks: [{ key: a, task_type: t.gate, concurrency: { key: \"$input.k\", limit: 1 } }]";
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await StartAsync(engine, spec, input: new JsonObject { ["k"] = i < 2 ? "same" : "other" + i }));
        }

        // Under the key: one runs, the other waits for the key's slot, let go. The others run in the worker's slots left, claimed.
        await GateTask.EnteredAsync(ids[0]).WaitAsync(TimeSpan.FromSeconds(30));
        await GateTask.EnteredAsync(ids[2]).WaitAsync(TimeSpan.FromSeconds(30));
        var waiting = await WaitForAsync(store, ids[1], f => f.LeaseOwner is null);
        Assert.Equal(0, watch.ClaimsOf(ids[0]));
        Assert.Equal(0, watch.ClaimsOf(ids[1]));
        Assert.Equal(StepState.Pending, (await store.GetStepsAsync(ids[1], CancellationToken.None))[0].State);
        Assert.NotNull(waiting.NextRunAt);
        Assert.True(rig.Worker.Active <= 3);
        Assert.False(GateTask.EnteredAsync(ids[1]).IsCompleted);

        foreach (var id in ids)
        {
            GateTask.Open(id);
        }

        foreach (var id in ids)
        {
            Assert.Equal(FlowState.Completed, (await WaitForAsync(store, id, f => f.State.IsTerminal())).State);
        }

        await rig.StopAsync();
        Assert.True(watch.ClaimsOf(ids[1]) >= 1);
        Assert.True(watch.ClaimsOf(ids[3]) >= 1);
    }

    [Fact]
    public async Task A_hand_off_stores_the_flow_running_with_its_first_step_started_and_a_crash_runs_that_step_again_with_the_next_attempt()
    {
        var inner = CreateStore();
        await inner.InitializeAsync(CancellationToken.None);
        var (store, watch) = ClaimWatch.Wrap(inner);
        var registry = new TaskRegistry().AddBuiltIns().RegisterAssembly(typeof(GateTask).Assembly);
        var dying = new FlowEngine(store, registry, new FlowEngineOptions { WorkerId = "dying", LeaseDuration = TimeSpan.FromSeconds(1) });
        using var stopDying = new CancellationTokenSource();
        var idle = watch.IdleAsync();
        var dyingWorker = new FlowWorker(dying, LongPoll).RunAsync(stopDying.Token);
        await idle;

        // The create is the commit that starts the first step: the step is in flight before any commit of the flow.
        var id = await StartAsync(dying, "tasks: [{ key: a, task_type: t.gate }, { key: b, task_type: noop }]");
        await GateTask.EnteredAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        watch.Die(); // with step a in flight: its result never reaches the store
        Assert.Equal(0, watch.CommitsOf(id));
        Assert.Equal(0, watch.ClaimsOf(id));
        var stored = (await inner.GetFlowAsync(id, CancellationToken.None))!;
        Assert.Equal((FlowState.Running, "dying"), (stored.State, stored.LeaseOwner));
        var a = (await inner.GetStepsAsync(id, CancellationToken.None))[0];
        Assert.Equal((StepState.Running, 1), (a.State, a.Attempts));
        Assert.Contains(await inner.GetHistoryAsync(id, 0, 10, CancellationToken.None), h => h.Kind == HistoryKinds.StepStarted && h.StepKey == "a");
        GateTask.Open(id);

        // When the dead process's lease runs out, another worker claims the flow and runs step a again, attempt 2.
        await using var other = new FlowEngine(inner, registry, new FlowEngineOptions { WorkerId = "other" });
        using var stop = new CancellationTokenSource();
        var worker = new FlowWorker(other, new FlowWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(50) }).RunAsync(stop.Token);
        var done = await WaitForAsync(inner, id, f => f.State.IsTerminal());
        await stop.CancelAsync();
        await worker;
        await stopDying.CancelAsync();
        await EndDeadAsync(dyingWorker, dying);

        Assert.Equal(FlowState.Completed, done.State);
        var steps = await inner.GetStepsAsync(id, CancellationToken.None);
        Assert.Equal((2, 1), (steps[0].Attempts, steps[1].Attempts));
        Assert.Equal(2, Executions.Of(id, "a"));
    }

    /// <summary>Lets a dead process's worker and engine end; whatever they still send fails.</summary>
    private static async Task EndDeadAsync(Task worker, FlowEngine engine)
    {
        try
        {
            await worker;
            await engine.DisposeAsync();
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_flow_handed_to_a_worker_that_died_before_running_it_runs_elsewhere_when_its_lease_runs_out()
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        var registry = new TaskRegistry().AddBuiltIns();
        var lease = TimeSpan.FromSeconds(1);
        await using var dead = new FlowEngine(store, registry, new FlowEngineOptions { WorkerId = "dead", LeaseDuration = lease });

        // What a hand-off leaves when its process dies at once: the new flow leased to that process, unrun.
        var id = (await dead.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: a, task_type: noop }]" })).Flow.Id;
        var leased = (await store.ClaimFlowAsync(id, "dead", dead.Time.GetUtcNow(), lease, CancellationToken.None))!;

        await using var other = new FlowEngine(store, registry, new FlowEngineOptions { WorkerId = "other" });
        using var stop = new CancellationTokenSource();
        var worker = new FlowWorker(other, new FlowWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(50) }).RunAsync(stop.Token);
        var done = await WaitForAsync(store, id, f => f.State.IsTerminal());
        var finishedAt = other.Time.GetUtcNow();
        await stop.CancelAsync();
        await worker;

        Assert.Equal(FlowState.Completed, done.State);
        Assert.True(finishedAt >= leased.Flow.LeaseExpiresAt, "run only once the dead process's lease ran out");
        var step = Assert.Single(await store.GetStepsAsync(id, CancellationToken.None));
        Assert.Equal(1, step.Attempts);
    }
}
