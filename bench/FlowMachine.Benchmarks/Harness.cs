using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Benchmarks;

/// <summary>One engine, store and worker for a workload; counts completions and step starts as they commit.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> completions = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> started = new();
    private readonly CancellationTokenSource stop = new();
    private Task? workerTask;
    private int completed;
    private int awaitingStart;
    private TaskCompletionSource? allDone;
    private int expected;
    private long commits;

    private PgDatabase? database;

    private Harness(IFlowStore store, string? folder)
    {
        Store = store;
        Folder = folder;
        Engine = new FlowEngine(store, new TaskRegistry().AddBuiltIns());
        Engine.Committed += OnCommitted;
    }

    public IFlowStore Store { get; }

    /// <summary>The PostgreSQL database of a <c>postgres</c> harness, else null.</summary>
    public string? PgConnectionString => database?.ConnectionString;

    public FlowEngine Engine { get; }

    private string? Folder { get; }

    /// <summary>The last batch's creates: how long until every start had returned, and the commits of steps written by then.</summary>
    public (TimeSpan Took, long CommitsMeanwhile) LastCreates { get; private set; }

    /// <summary>Where a lone flow's path is marked, when the run breaks its latency down.</summary>
    public PhaseClock? Phases { get; private init; }

    /// <summary>
    /// Opens a fresh store and starts a worker; <paramref name="phases"/> marks the store's calls for a lone flow
    /// (SQLite, PostgreSQL), <paramref name="synchronousFull"/> sets SQLite's durability (null: the store's default).
    /// </summary>
    public static async Task<Harness> CreateAsync(string storeKind, int concurrency, PhaseClock? phases = null, bool? synchronousFull = null)
    {
        IFlowStore store;
        string? folder = null;
        switch (storeKind)
        {
            case "memory":
                store = new InMemoryFlowStore();
                break;
            case "sqlite":
                folder = Path.Combine(Path.GetTempPath(), "flowmachine-bench", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(folder);
                store = new SqliteFlowStore(SqliteOptions(Path.Combine(folder, "bench.db"), synchronousFull));
                break;
            case "postgres":
                var db = await PgDatabase.CreateAsync(PgDatabase.Server ?? throw new ArgumentException("set FLOWMACHINE_BENCH_PG to a PostgreSQL connection string"));
                store = new FlowMachine.Postgres.PostgresFlowStore(new FlowMachine.Postgres.PostgresStoreOptions { ConnectionString = db.ConnectionString });
                await store.InitializeAsync(default);
                var pg = new Harness(phases is null ? store : PhasedStore.Wrap(store, phases), null) { database = db, Phases = phases };
                pg.StartWorker(concurrency);
                return pg;
            default:
                throw new ArgumentException($"unknown store '{storeKind}' (memory, sqlite or postgres)");
        }

        await store.InitializeAsync(default);
        var harness = new Harness(phases is not null && storeKind == "sqlite" ? PhasedStore.Wrap(store, phases) : store, folder) { Phases = phases };
        harness.StartWorker(concurrency);
        return harness;
    }

    /// <summary>
    /// The SQLite store's options for a benchmark: <paramref name="synchronousFull"/> if given, else
    /// FLOWMACHINE_BENCH_SQLITE_SYNC (full or normal) if set, else the store's default.
    /// </summary>
    public static SqliteStoreOptions SqliteOptions(string path, bool? synchronousFull = null)
    {
        var full = synchronousFull ?? Environment.GetEnvironmentVariable("FLOWMACHINE_BENCH_SQLITE_SYNC")?.ToUpperInvariant() switch
        {
            "FULL" => true,
            "NORMAL" => false,
            _ => (bool?)null,
        };
        return full is { } f ? new SqliteStoreOptions { Path = path, SynchronousFull = f } : new SqliteStoreOptions { Path = path };
    }

    private void StartWorker(int concurrency)
    {
        var worker = new FlowWorker(Engine, new FlowWorkerOptions { Concurrency = concurrency, PollInterval = TimeSpan.FromMilliseconds(200) });
        workerTask = Task.Run(() => worker.RunAsync(stop.Token));
    }

    private void OnCommitted(FlowTransition t)
    {
        Interlocked.Increment(ref commits);
        if (t.Flow.State == FlowState.Completed && Has(t, HistoryKinds.FlowCompleted, null))
        {
            if (completions.TryRemove(t.Flow.Id, out var done))
            {
                done.TrySetResult();
            }

            if (Interlocked.Increment(ref completed) == Volatile.Read(ref expected))
            {
                allDone?.TrySetResult();
            }
        }

        // A counter, not started.IsEmpty: that takes every lock of the dictionary, on every commit.
        if (Volatile.Read(ref awaitingStart) > 0 && Has(t, HistoryKinds.StepStarted, "after") && started.TryRemove(t.Flow.Id, out var s))
        {
            Interlocked.Decrement(ref awaitingStart);
            s.TrySetResult();
        }
    }

    private static bool Has(FlowTransition t, string kind, string? stepKey)
    {
        for (var i = 0; i < t.History.Count; i++)
        {
            if (t.History[i].Kind == kind && (stepKey is null || t.History[i].StepKey == stepKey))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts <paramref name="flows"/> flows at once (flow i with <paramref name="input"/>(i), if given) and waits until all completed.</summary>
    public async Task<TimeSpan> RunBatchAsync(string spec, int flows, Func<int, JsonNode?>? input = null)
    {
        completed = 0;
        expected = flows;
        allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();

        // All started at once (PEERS.md): the starts go together, as many callers' would, and the store
        // may write them in shared transactions.
        var starts = new Task[flows];
        for (var i = 0; i < flows; i++)
        {
            starts[i] = Engine.StartAsync(new StartFlowRequest { SpecText = spec, Input = input?.Invoke(i) });
        }

        var commitsBefore = Interlocked.Read(ref commits);
        await Task.WhenAll(starts);
        LastCreates = (clock.Elapsed, Interlocked.Read(ref commits) - commitsBefore);
        await allDone.Task.WaitAsync(TimeSpan.FromMinutes(10));
        return clock.Elapsed;
    }

    /// <summary>Runs flows one after another; returns each start→COMPLETED latency.</summary>
    public async Task<List<double>> RunSequentialAsync(string spec, int flows)
    {
        var latencies = new List<double>(flows);
        expected = int.MaxValue;
        for (var i = 0; i < flows; i++)
        {
            var clock = Stopwatch.StartNew();
            Phases?.BeginNext("start");
            var result = await Engine.StartAsync(new StartFlowRequest { SpecText = spec, Key = null });
            var done = completions.GetOrAdd(result.Flow.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var view = await Store.GetFlowAsync(result.Flow.Id, default);
            if (view?.State == FlowState.Completed)
            {
                completions.TryRemove(result.Flow.Id, out _);
            }
            else
            {
                await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Phases?.End(result.Flow.Id, "done seen");
        }

        return latencies;
    }

    /// <summary>Pushes waiting flows; returns each push→next-step-started latency.</summary>
    public async Task<List<double>> RunPushAsync(int flows)
    {
        var latencies = new List<double>(flows);
        const string spec = "tasks: [{ key: gate, task_type: wait }, { key: after, task_type: noop }]";
        for (var i = 0; i < flows; i++)
        {
            var id = (await Engine.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id;
            while ((await Store.GetFlowAsync(id, default))!.State != FlowState.Waiting)
            {
                await Task.Delay(1);
            }

            var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            started[id] = next;
            Interlocked.Increment(ref awaitingStart);
            var clock = Stopwatch.StartNew();
            Phases?.Begin(id, "push");
            await Engine.PushAsync(id, JsonValue.Create(i));
            await next.Task.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Phases?.End(id, "next step seen");
        }

        return latencies;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (workerTask is not null)
        {
            await workerTask;
        }

        await Engine.DisposeAsync();
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        // FLOWMACHINE_BENCH_KEEP=1 keeps the store's files, to look at the rows a run wrote.
        if (Folder is not null && Environment.GetEnvironmentVariable("FLOWMACHINE_BENCH_KEEP") != "1")
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        stop.Dispose();
    }
}
