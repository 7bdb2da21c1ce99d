using System.Diagnostics;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// Workers whose clocks are ten minutes ahead or behind the database's, sharing one PostgreSQL store with a
/// worker whose clock is right: leases, claims and due times are judged by the database's clock.
/// </summary>
public sealed class SkewedClockTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(10);

    [PostgresFact]
    public async Task An_engine_measures_how_far_its_clock_is_from_the_database()
    {
        var schema = db.NewSchema();
        await using var ahead = await Node.StartAsync(db.ConnectionString, schema, Skew, work: false);
        await using var behind = await Node.StartAsync(db.ConnectionString, schema, -Skew, work: false);
        await using var right = await Node.StartAsync(db.ConnectionString, schema, TimeSpan.Zero, work: false);

        // The database runs on this machine's clock: a clock that is right is not moved by a measuring error,
        // so every process here keeps agreeing exactly (rate windows and lease expiry compare their times).
        Assert.Equal(TimeSpan.Zero, right.Engine.Time.Offset);
        Assert.InRange(ahead.Engine.Time.Offset, -Skew - TimeSpan.FromSeconds(1), -Skew + TimeSpan.FromSeconds(1));
        Assert.InRange(behind.Engine.Time.Offset, Skew - TimeSpan.FromSeconds(1), Skew + TimeSpan.FromSeconds(1));
        Assert.InRange(ahead.Engine.Time.GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1));
    }

    [PostgresFact]
    public async Task A_worker_ten_minutes_ahead_steals_no_lease_and_fires_no_timer_early()
    {
        var schema = db.NewSchema();
        await using var right = await Node.StartAsync(db.ConnectionString, schema, TimeSpan.Zero, work: true);

        // Steps that run for 3 s under 10 s leases (held 10 s past the database's now). A worker that judged expiry
        // by a clock ten minutes ahead would take every one of them over and run it again.
        var slow = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            slow.Add(await right.StartAsync("{\"tasks\":[{\"key\":\"hold\",\"task_type\":\"t.slow\",\"task_params\":{\"ms\":3000}}]}"));
        }

        await WaitUntilAsync(() => slow.All(id => Executions.Of(id, "hold") == 1), "the right worker to start every slow step");
        await using var ahead = await Node.StartAsync(db.ConnectionString, schema, Skew, work: true);

        // Timers: one set by the right worker, one set by the worker that is ahead: both 60 s from now by the database.
        var waitRight = await right.StartAsync(DelaySpec(60));
        var waitAhead = await ahead.StartAsync(DelaySpec(60));

        foreach (var id in slow)
        {
            var done = await WaitForEndAsync(right.Engine, id, TimeSpan.FromSeconds(30));
            Assert.Equal(FlowState.Completed, done.State);
            Assert.Equal(1, Executions.Of(id, "hold"));
            Assert.Equal(1, done.Step("hold").Attempts);
        }

        foreach (var id in new[] { waitRight, waitAhead })
        {
            var view = await right.Engine.GetAsync(id);
            Assert.Equal(FlowState.Waiting, view!.State);
            var due = view.Flow.NextRunAt!.Value - DateTimeOffset.UtcNow;
            Assert.InRange(due, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(61));
        }
    }

    [PostgresFact]
    public async Task A_worker_ten_minutes_behind_leaves_nothing_stuck_and_fires_timers_on_time()
    {
        var schema = db.NewSchema();
        await using var right = await Node.StartAsync(db.ConnectionString, schema, TimeSpan.Zero, work: false);
        await using var behind = await Node.StartAsync(db.ConnectionString, schema, -Skew, work: true);

        // Flows started by a host whose clock is right are due now by the database: the worker that is
        // behind runs them at once rather than ten minutes later.
        var clock = Stopwatch.StartNew();
        var started = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            started.Add(await right.StartAsync("{\"tasks\":[{\"key\":\"a\",\"task_type\":\"t.count\"},{\"key\":\"b\",\"task_type\":\"t.count\"}]}"));
        }

        foreach (var id in started)
        {
            Assert.Equal(FlowState.Completed, (await WaitForEndAsync(behind.Engine, id, TimeSpan.FromSeconds(20))).State);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");

        // A 2 s timer set by the worker that is behind fires after 2 s, neither at once nor ten minutes late.
        var timer = Stopwatch.StartNew();
        var delayed = await behind.StartAsync(DelaySpec(2));
        var ended = await WaitForEndAsync(behind.Engine, delayed, TimeSpan.FromSeconds(20));
        Assert.Equal(FlowState.Completed, ended.State);
        Assert.InRange(timer.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
    }

    private static string DelaySpec(int seconds) =>
        "{\"tasks\":[{\"key\":\"pause\",\"task_type\":\"delay\",\"task_params\":{\"seconds\":" + seconds + "}},{\"key\":\"after\",\"task_type\":\"t.count\"}]}";

    private static async Task<FlowView> WaitForEndAsync(FlowEngine engine, string id, TimeSpan within)
    {
        FlowView? view = null;
        await WaitUntilAsync(async () => (view = await engine.GetAsync(id))!.State is FlowState.Completed or FlowState.Failed, $"flow {id} to end", within);
        return view!;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, TimeSpan.FromSeconds(20));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"waited {within.TotalSeconds} s for {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The process's own clock, moved by a fixed amount.</summary>
    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    /// <summary>An engine (and optionally a running worker) with its own store and clock on the shared schema.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly PostgresFlowStore store;
        private readonly CancellationTokenSource stop = new();
        private Task? worker;

        private Node(PostgresFlowStore store, FlowEngine engine)
        {
            this.store = store;
            Engine = engine;
        }

        public FlowEngine Engine { get; }

        public static async Task<Node> StartAsync(string connectionString, string schema, TimeSpan shift, bool work)
        {
            var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = connectionString, Schema = schema });
            await store.InitializeAsync(CancellationToken.None);
            var registry = new TaskRegistry().AddBuiltIns().Register<SlowTask>().Register<CountTask>();
            var engine = new FlowEngine(store, registry, new FlowEngineOptions { Time = new ShiftedClock(shift), LeaseDuration = TimeSpan.FromSeconds(10) });
            Assert.True(await engine.AlignClockAsync(CancellationToken.None));
            var node = new Node(store, engine);
            if (work)
            {
                node.worker = new FlowWorker(engine, new FlowWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(100) }).RunAsync(node.stop.Token);
            }

            return node;
        }

        public async Task<string> StartAsync(string spec) => (await Engine.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            if (worker is not null)
            {
                await worker;
            }

            await Engine.DisposeAsync();
            await store.DisposeAsync();
            stop.Dispose();
        }
    }
}
