using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Running;
using FlowMachine;
using FlowMachine.Benchmarks;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- [--smoke] [--store memory|sqlite|all] [--json PATH]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- micro [BenchmarkDotNet args]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- schedules sqlite|postgres [--schedules N] [--workers N] [--fire-only] [--same-input]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- search sqlite|postgres [COUNT]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- retention [COUNT] [ROUNDS] [SLICE]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- retention-pg [COUNT] [ROUNDS]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- retention-pg-sweep [COUNT] [ROUNDS] [SECONDS]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- retention-pg-catchup [COUNT] [INTERVAL] [INTERVALS]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- limits sqlite|postgres [FLOWS] [ROUNDS]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- pgcost [PROCESSES] [FLOWS] [--json PATH]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- pgsim [ENGINES] [PROCESSES] [CONCURRENCY] [FLOWS] [--json PATH]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- cost sqlite [SHORT FLOWS]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- durability [PAIRS] [W10 FLOWS] [L1 FLOWS] [--json PATH]
// dotnet run -c Release --project bench/FlowMachine.Benchmarks -- scale-queues [FLOWS] [ROUNDS]
var results = new JsonArray();
if (args.Length > 0 && args[0] == ScheduleWorkerHost.Mode)
{
    return await ScheduleWorkerHost.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == SimWorkerHost.Mode)
{
    return await SimWorkerHost.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] is PgCostBench.Mode or PgCostBench.SimMode)
{
    // PostgreSQL CPU per step in steady state: pgcost [PROCESSES] [FLOWS]; pgsim [ENGINES] [PROCESSES] [CONCURRENCY] [FLOWS]
    await PgCostBench.RunAsync(args);
    return 0;
}

if (args.Length > 0 && args[0] == "schedules")
{
    return await ScheduleBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == LimitsBench.Mode)
{
    // W10 without limits, with a concurrency limit and with a rate limit that never bind: limits STORE [FLOWS] [ROUNDS] [--json PATH]
    var limitsStore = args.Length > 1 ? args[1] : "sqlite";
    var limits = await LimitsBench.RunAsync(limitsStore, RetentionBench.Parse(args, 2, 500), RetentionBench.Parse(args, 3, 3));
    var limitsRow = new JsonObject { ["store"] = limitsStore, ["workload"] = "W10 with limits that never bind" };
    foreach (var (k, v) in limits)
    {
        limitsRow[k] = Math.Round(v, 3);
    }

    var limitsPath = Arg("--json") ?? Path.Combine("bench", "results", $"limits-{limitsStore}.json");
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(limitsPath))!);
    File.WriteAllText(limitsPath, new JsonObject { ["at"] = DateTimeOffset.UtcNow, ["load_average"] = LoadAverage(), ["results"] = new JsonArray(limitsRow) }
        .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"results written to {limitsPath}");
    return 0;
}

if (args.Length > 0 && args[0] == DurabilityBench.Mode)
{
    // SQLite synchronous=NORMAL against FULL, interleaved: durability [PAIRS] [W10 FLOWS] [L1 FLOWS] [--json PATH]
    var json = Array.IndexOf(args, "--json");
    var counts = json < 0 ? args : args[..json];
    await DurabilityBench.RunAsync(RetentionBench.Parse(counts, 1, 5), RetentionBench.Parse(counts, 2, 2000), RetentionBench.Parse(counts, 3, 1000),
        json >= 0 && json + 1 < args.Length ? args[json + 1] : Path.Combine("bench", "results", "durability.json"));
    return 0;
}

if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(Micro).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "search")
{
    // A page of flows filtered by tag, attribute, created range and error text: search sqlite|postgres [COUNT]
    await SearchBench.RunAsync(args.Length > 1 ? args[1] : "sqlite", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000);
    return 0;
}

if (args.Length > 0 && args[0] == "retention")
{
    // SQLite after months: W3 at COUNT finished flows, W10 beside the sweeper, the file after purge and vacuum.
    await RetentionBench.RunAsync(RetentionBench.Parse(args, 1, 1_000_000), RetentionBench.Parse(args, 2, 3), RetentionBench.Parse(args, 3, 100_000));
    return 0;
}

if (args.Length > 0 && args[0] == "retention-pg")
{
    // PostgreSQL: W3 on an empty database against one holding COUNT finished flows.
    await PgRetentionBench.RunAsync(RetentionBench.Parse(args, 1, 1_000_000), RetentionBench.Parse(args, 2, 3));
    return 0;
}

if (args.Length > 0 && args[0] == "retention-pg-sweep")
{
    // PostgreSQL: W10 alone and while the sweeper deletes COUNT finished flows in ROUNDS slices (or for SECONDS a round); table sizes.
    await PgRetentionBench.SweepAsync(RetentionBench.Parse(args, 1, 1_000_000), RetentionBench.Parse(args, 2, 3), RetentionBench.Parse(args, 3, 0));
    return 0;
}

if (args.Length > 0 && args[0] == "retention-pg-catchup")
{
    // PostgreSQL: one sweep of COUNT old flows with Retention.Interval = INTERVAL s beside W10, for INTERVALS intervals.
    await PgRetentionBench.CatchUpAsync(RetentionBench.Parse(args, 1, 500_000), RetentionBench.Parse(args, 2, 20), RetentionBench.Parse(args, 3, 5));
    return 0;
}

if (args.Length > 0 && args[0] == "engine")
{
    var perStep = await EngineOverheadAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000);
    Console.WriteLine($"engine step overhead (in-memory, one thread): {perStep:0} ns/step = {1e9 / perStep:N0} steps/s");
    return 0;
}

if (args.Length > 0 && args[0] == "waiting")
{
    // WAITING flows in a SQLite store and a worker process beside them: waiting COUNT
    await WaitingFlowsAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length > 0 && args[0] == "scale")
{
    // PostgreSQL with worker processes: scale PROCESSES FLOWS (10 steps each)
    await ScaleOutAsync(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), 10);
    return 0;
}

if (args.Length > 0 && args[0] == "scale-queues")
{
    // PostgreSQL, two worker processes: one queue served by both against two queues served one each, in interleaved
    // rounds on fresh databases: scale-queues FLOWS [ROUNDS] (10 steps each; half the flows on each queue)
    var (flowCount, rounds) = (RetentionBench.Parse(args, 1, 2000), RetentionBench.Parse(args, 2, 3));
    var one = new List<double>();
    var two = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        one.Add(await ScaleOutAsync(2, flowCount, 10, queues: ["default"]));
        two.Add(await ScaleOutAsync(2, flowCount, 10, queues: ["qa", "qb"]));
    }

    static double MedianOf(List<double> v) => v.Order().ElementAt(v.Count / 2);
    Console.WriteLine($"scale-queues: one queue served by both processes, median {MedianOf(one):N0} steps/s ({string.Join(", ", one.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))}); " +
        $"two queues served one each, median {MedianOf(two):N0} steps/s ({string.Join(", ", two.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))})");
    return 0;
}

if (args.Length > 0 && args[0] == "latency")
{
    // Start->COMPLETED and push->next step latencies on one store, and where a lone flow's milliseconds go
    // (phase by phase, on SQLite and PostgreSQL), with the benchmark process's garbage collections meanwhile:
    // latency STORE FLOWS [--json PATH] [--cold]
    var phases = args[1] is "sqlite" or "postgres" ? new PhaseClock() : null;
    await using var h = await Harness.CreateAsync(args[1], concurrency: 64, phases);
    await h.RunBatchAsync(Linear(3), 50);
    var flows = int.Parse(args[2], CultureInfo.InvariantCulture);

    // Warm up the lone-flow and push paths, not measured, until the JIT is done (fewer than 20 methods compiled in a
    // round of both, at most 6 rounds), as a server that has run a while would be: measured right after the 50 batch
    // flows, the first L1 and push flows ran code still at its first tier and shared the two cores with the
    // compiler's tier-up, which showed in the p99. (--cold: the 50-flow warm-up of before, to compare.)
    for (var warm = 0; warm < (args.Contains("--cold") ? 0 : 6); warm++)
    {
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        await h.RunSequentialAsync(Linear(3), 200);
        await h.RunPushAsync(200);
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        Console.WriteLine($"warm-up: 200 L1 and 200 push flows, {jitted} methods compiled");
        if (jitted < 20)
        {
            break;
        }
    }

    var l1Gc = new GcWindow();
    var l1 = await h.RunSequentialAsync(Linear(3), flows);
    var l1Collected = l1Gc.Report("L1");
    var l1Phases = phases?.Report("L1 (a 3-step flow, start -> done)");
    var pushGc = new GcWindow();
    var push = await h.RunPushAsync(flows);
    var pushCollected = pushGc.Report("push");
    var pushPhases = phases?.Report("push -> next step started");
    Console.WriteLine($"L1 p50 {Percentile(l1, 50):0.###} ms, p99 {Percentile(l1, 99):0.###} ms, max {l1.Max():0.###} ms; push p50 {Percentile(push, 50):0.###} ms, p99 {Percentile(push, 99):0.###} ms, max {push.Max():0.###} ms");
    var latencyJson = new JsonObject
    {
        ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
        ["at"] = DateTimeOffset.UtcNow,
        ["store"] = args[1],
        ["flows"] = flows,
        ["l1"] = new JsonObject { ["p50_ms"] = Math.Round(Percentile(l1, 50), 3), ["p99_ms"] = Math.Round(Percentile(l1, 99), 3), ["max_ms"] = Math.Round(l1.Max(), 3), ["phases"] = l1Phases, ["gc"] = l1Collected },
        ["push"] = new JsonObject { ["p50_ms"] = Math.Round(Percentile(push, 50), 3), ["p99_ms"] = Math.Round(Percentile(push, 99), 3), ["max_ms"] = Math.Round(push.Max(), 3), ["phases"] = pushPhases, ["gc"] = pushCollected },
    };
    var latencyPath = Arg("--json") ?? Path.Combine("bench", "results", $"latency-{args[1]}.json");
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(latencyPath))!);
    File.WriteAllText(latencyPath, latencyJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

if (args.Length > 0 && args[0] == "batch")
{
    // Many flows at once on one store, for profilers: batch STORE STEPS FLOWS [ROUNDS] [--cold] (64 run at a time;
    // every round creates its flows all at once and counts the creates in its time, as W10 does)
    var (store, steps, count) = (args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
    var rounds = args.Length > 4 && !args[4].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
    await using var h = await Harness.CreateAsync(store, concurrency: 64);

    // Warm up with rounds of the same size, not measured, until the JIT is done (fewer than 20 methods compiled
    // in a round, at most 6 rounds): after the 50 flows of before, the hot paths still ran as first compiled
    // (tiering needs calls and time) and the first measured rounds paid for the compiler.
    // (--cold: the 50-flow warm-up of before, to compare.)
    var cold = args.Contains("--cold");
    for (var warm = 0; warm < (cold ? 1 : 6); warm++)
    {
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var warmUp = await h.RunBatchAsync(Linear(steps), cold ? 50 : count);
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        Console.WriteLine($"warm-up: {(cold ? 50 : count)} flows in {warmUp.TotalMilliseconds:0} ms, {jitted} methods compiled");
        if (jitted < 20)
        {
            break;
        }
    }

    for (var round = 0; round < rounds; round++)
    {
        var threads = ThreadCpu.Now();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var took = await h.RunBatchAsync(Linear(steps), count);
        var threadsAfter = ThreadCpu.Now();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        // The commits of a flow: one that starts its first step, one a step after (finishing it, starting the next or completing the flow).
        var (createsTook, meanwhile) = h.LastCreates;
        var after = (count * (steps + 1) - meanwhile) * steps / (double)(steps + 1) / (took - createsTook).TotalSeconds;
        Console.WriteLine($"{count} flows x {steps} steps in {took.TotalMilliseconds:0} ms: {count * steps / took.TotalSeconds:N0} steps/s, {cpu.TotalMicroseconds / (count * steps):0.0} µs of CPU per step; " +
            $"the creates returned after {createsTook.TotalMilliseconds:0} ms ({meanwhile * 100.0 / (count * (steps + 1)):0} % of the step commits written by then), {after:N0} steps/s after them; {jitted} methods compiled");
        Console.WriteLine(threadsAfter.Since(threads, count * steps));
    }

    if (h.Store.GetType().GetProperty("WriteTransactions", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance) is { } tx)
    {
        var rq = h.Store.GetType().GetProperty("WriteRequests", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        Console.WriteLine($"write transactions {tx.GetValue(h.Store)}, requests {rq.GetValue(h.Store)}");
    }
    return 0;
}

if (args.Length > 0 && args[0] == "sqlite-schema")
{
    // An empty SQLite store at PATH, for the ceiling program to take its schema from: sqlite-schema PATH
    await using var empty = new SqliteFlowStore(new SqliteStoreOptions { Path = args[1] });
    await empty.InitializeAsync(default);
    Console.WriteLine($"an empty store at {args[1]}");
    return 0;
}

if (args.Length > 0 && args[0] == "cost")
{
    // Per-step cost of flows of 1,000 steps against flows of 10, 10 at a time: cost STORE [SHORT FLOWS]
    var (shortCost, longCost) = await PerStepCostAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000);
    Console.WriteLine($"per-step cost: {shortCost:0.#} µs at 10 steps a flow, {longCost:0.#} µs at 1,000: ratio {longCost / shortCost:0.###}");
    return 0;
}

if (args.Length > 0 && args[0] == "one")
{
    // One long flow on one store, for profilers: one STORE STEPS
    var oneCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var (oneElapsed, _) = await SingleFlowAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    oneCpu = Process.GetCurrentProcess().TotalProcessorTime - oneCpu;
    Console.WriteLine($"{args[2]} steps in {oneElapsed.TotalMilliseconds:0} ms: {int.Parse(args[2], CultureInfo.InvariantCulture) / oneElapsed.TotalSeconds:N0} steps/s, " +
        $"{oneCpu.TotalMicroseconds / int.Parse(args[2], CultureInfo.InvariantCulture):0.0} µs of CPU per step (the process, the warm-up flow and the start included)");
    return 0;
}

var smoke = args.Contains("--smoke");
var storeArg = Arg("--store") ?? "all";
var jsonPath = Arg("--json") ?? Path.Combine("bench", "results", smoke ? "smoke.json" : "latest.json");
var scale = smoke ? 0.05 : 1.0;
const int PeerRuns = 3;
int N(int full) => Math.Max(2, (int)(full * scale));

var stores = storeArg == "all"
    ? PgDatabase.Server is null ? ["memory", "sqlite"] : new[] { "memory", "sqlite", "postgres" }
    : storeArg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
Console.WriteLine($"FlowMachine benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(smoke ? "smoke" : "full")} run");
Console.WriteLine($"{"store",-8} {"workload",-34} {"figure",-40}");

if (stores.Contains("memory"))
{
    // The engine alone, first, in a fresh process: flows of 1,000 no-op steps, one at a time, after the
    // JIT has warmed up (later, the heap and threads left by the other workloads would be measured too).
    var perStep = await EngineOverheadAsync(N(2000));
    Report("memory", "engine step overhead (one thread)", new() { ["ns_per_step"] = perStep, ["steps_per_s"] = 1e9 / perStep });
}

foreach (var store in stores)
{
    // Peer workloads (PEERS.md): W3, W10, L1, plus push latency.
    await using (var h = await Harness.CreateAsync(store, concurrency: 64))
    {
        // Each workload is run three times and the median reported, as the peers' figures were measured.
        await h.RunBatchAsync(Linear(3), 50); // warm up JIT and the store
        var w3Flows = N(2000);
        var w3 = new List<double>();
        for (var run = 0; run < PeerRuns; run++)
        {
            w3.Add((await h.RunBatchAsync(Linear(3), w3Flows)).TotalSeconds);
        }

        var w3Median = Percentile(w3, 50);
        Report(store, $"W3 {w3Flows} flows x 3 steps", new()
        {
            ["flows_per_s"] = w3Flows / w3Median,
            ["steps_per_s"] = w3Flows * 3 / w3Median,
            ["runs"] = PeerRuns,
        });

        var w10Flows = N(500);
        var w10 = new List<double>();
        for (var run = 0; run < PeerRuns; run++)
        {
            w10.Add((await h.RunBatchAsync(Linear(10), w10Flows)).TotalSeconds);
        }

        Report(store, $"W10 {w10Flows} flows x 10 steps (64 at once)", new() { ["steps_per_s"] = w10Flows * 10 / Percentile(w10, 50), ["runs"] = PeerRuns });

        var l1p50 = new List<double>();
        var l1p99 = new List<double>();
        var l1Flows = N(200);
        for (var run = 0; run < PeerRuns; run++)
        {
            var l1 = await h.RunSequentialAsync(Linear(3), l1Flows);
            l1p50.Add(Percentile(l1, 50));
            l1p99.Add(Percentile(l1, 99));
        }

        Report(store, $"L1 {l1Flows} sequential 3-step flows", new() { ["p50_ms"] = Percentile(l1p50, 50), ["p99_ms"] = Percentile(l1p99, 50), ["runs"] = PeerRuns });

        var push = await h.RunPushAsync(N(200));
        Report(store, "push -> next step started", new() { ["p50_ms"] = Percentile(push, 50), ["p99_ms"] = Percentile(push, 99) });
    }

    if (store != "memory")
    {
        // Flow control: W10 with a concurrency and a rate limit that never bind against W10 without (issue 20: at most 15 %).
        Report(store, "W10 with limits that never bind", await LimitsBench.RunAsync(store, N(500), PeerRuns));
    }

    {
        var (shortCost, longCost) = await PerStepCostAsync(store, N(1000));
        Report(store, "per-step cost, M=1000 vs M=10", new() { ["us_per_step_m10"] = shortCost, ["us_per_step_m1000"] = longCost, ["ratio"] = longCost / shortCost });
    }

    // One flow, steps one after another, driven in this thread (one core).
    {
        var steps = N(store == "memory" ? 200_000 : 20_000);
        var (elapsed, _) = await SingleFlowAsync(store, steps);
        Report(store, $"one flow, {steps} sequential steps", new() { ["steps_per_s"] = steps / elapsed.TotalSeconds });
    }

    if (store == "sqlite")
    {
        await WaitingFlowsAsync(N(100_000));
    }

    if (store == "postgres")
    {
        foreach (var processes in new[] { 1, 2, 4 })
        {
            await ScaleOutAsync(processes, N(6000), 10);
        }
    }
}

var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
Console.WriteLine($"peak working set: {peak:0} MB");
var document = new JsonObject
{
    ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
    ["run"] = smoke ? "smoke" : "full",
    ["at"] = DateTimeOffset.UtcNow,
    ["peak_working_set_mb"] = peak,
    ["results"] = results,
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
File.WriteAllText(jsonPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"results written to {jsonPath}");
return 0;

// The 1-minute load average (Linux), to read a figure of this shared machine with; -1 elsewhere.
static double LoadAverage() =>
    File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture, out var load) ? load : -1;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Linear(int steps) => "tasks: [" + string.Join(", ", Enumerable.Repeat("noop", steps)) + "]";

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
    return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
}

void Report(string store, string workload, Dictionary<string, double> figures)
{
    var text = string.Join(", ", figures.Select(f => $"{f.Key} {f.Value.ToString(f.Value >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture)}"));
    Console.WriteLine($"{store,-8} {workload,-34} {text}");
    var row = new JsonObject { ["store"] = store, ["workload"] = workload };
    foreach (var (k, v) in figures)
    {
        row[k] = Math.Round(v, 3);
    }

    results.Add(row);
}

// Per-step cost by flow length: the same number of flows running at once (10) for both lengths, so
// that only the length differs (with 64 slots the short flows would also run more at a time).
static async Task<(double ShortCost, double LongCost)> PerStepCostAsync(string store, int shortFlows)
{
    await using var h = await Harness.CreateAsync(store, concurrency: 10);
    await h.RunBatchAsync(Linear(10), 50);
    var longFlows = Math.Max(1, shortFlows / 100);

    // Five rounds, alternating, and the median of each: one round in memory lasts milliseconds,
    // where a single garbage collection would decide the ratio.
    var shortCosts = new List<double>();
    var longCosts = new List<double>();
    for (var round = 0; round < 5; round++)
    {
        shortCosts.Add((await h.RunBatchAsync(Linear(10), shortFlows)).TotalMicroseconds / (shortFlows * 10));
        longCosts.Add((await h.RunBatchAsync(Linear(1000), longFlows)).TotalMicroseconds / (longFlows * 1000));
    }

    return (Percentile(shortCosts, 50), Percentile(longCosts, 50));
}

// Engine step overhead: flows of 1,000 no-op steps on a fresh in-memory store each, one after another.
// The first flows run while the JIT still tiers the hot path up; they warm up and are not counted.
static async Task<double> EngineOverheadAsync(int flowsToRun)
{
    var warmUp = Math.Max(20, flowsToRun / 4);
    var registry = new TaskRegistry().AddBuiltIns();
    var plan = new FlowMachine.Specs.FlowSpec
    {
        Tasks = [.. Enumerable.Range(0, 1000).Select(i => new FlowMachine.Specs.StepSpec { Key = $"s{i}", TaskType = "noop", Precursors = i == 0 ? [] : [$"s{i - 1}"] })],
    };
    TimeSpan total = default;
    long allocated = 0;
    for (var i = 0; i < flowsToRun + warmUp; i++)
    {
        var memory = new InMemoryFlowStore();
        await using var engine = new FlowEngine(memory, registry);
        var id = (await engine.StartAsync(new StartFlowRequest { Spec = plan })).Flow.Id;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        await engine.RunAsync(id);
        if (i >= warmUp)
        {
            total += clock.Elapsed;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    Console.Error.WriteLine($"  ({allocated / (flowsToRun * 1000.0):0} bytes allocated per step)");
    return total.TotalNanoseconds / (flowsToRun * 1000.0); // as a double: a TimeSpan would round to 100 ns
}

async Task<(TimeSpan Elapsed, FlowView View)> SingleFlowAsync(string store, int steps)
{
    var folder = Path.Combine(Path.GetTempPath(), "flowmachine-bench", Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(folder);
    await using var pg = store == "postgres" ? await PgDatabase.CreateAsync(PgDatabase.Server!) : null;
    IFlowStore flows = store switch
    {
        "memory" => new InMemoryFlowStore(),
        "postgres" => new FlowMachine.Postgres.PostgresFlowStore(new FlowMachine.Postgres.PostgresStoreOptions { ConnectionString = pg!.ConnectionString }),
        _ => new SqliteFlowStore(Harness.SqliteOptions(Path.Combine(folder, "one.db"))),
    };
    await flows.InitializeAsync(default);
    // The long flow is past the default step limit on purpose.
    var options = new FlowEngineOptions { SpecLimits = new FlowMachine.Specs.SpecLimits { MaxSteps = Math.Max(steps, 10_000) } };
    await using var engine = new FlowEngine(flows, new TaskRegistry().AddBuiltIns(), options);
    var warm = await engine.StartAsync(new StartFlowRequest { SpecText = Linear(1000) });
    await engine.RunAsync(warm.Flow.Id);
    // Built in code: parsing a spec with hundreds of thousands of steps is not what this measures.
    var spec = new FlowMachine.Specs.FlowSpec
    {
        Tasks = [.. Enumerable.Range(0, steps).Select(i => new FlowMachine.Specs.StepSpec { Key = $"s{i}", TaskType = "noop", Precursors = i == 0 ? [] : [$"s{i - 1}"] })],
    };
    var id = (await engine.StartAsync(new StartFlowRequest { Spec = spec })).Flow.Id;
    var commits = 0;
    var chunk = Stopwatch.StartNew();
    var chunks = new List<double>();
    engine.Committed += _ =>
    {
        if (++commits % 2000 == 0)
        {
            chunks.Add(chunk.Elapsed.TotalMilliseconds);
            chunk.Restart();
        }
    };
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var collections = GC.CollectionCount(0);
    var clock = Stopwatch.StartNew();
    var view = await engine.RunAsync(id);
    var elapsed = clock.Elapsed;
    Console.Error.WriteLine($"  ({(GC.GetTotalAllocatedBytes(precise: true) - allocated) / steps:N0} bytes allocated and {(double)(GC.CollectionCount(0) - collections) * 1000 / steps:0.##} gen0 GCs per 1000 steps)");
    if (view.State != FlowState.Completed)
    {
        throw new InvalidOperationException($"the flow ended {view.State}");
    }

    Console.Error.WriteLine("  (ms per 2000 commits: " + string.Join(" ", chunks.Select(c => c.ToString("0", CultureInfo.InvariantCulture))) + ")");
    var wal = Path.Combine(folder, "one.db-wal");
    if (File.Exists(wal))
    {
        Console.Error.WriteLine($"  (WAL file {new FileInfo(wal).Length / 1024:N0} KB)");
    }

    if (flows is IAsyncDisposable d)
    {
        await d.DisposeAsync();
    }

    Directory.Delete(folder, true);
    return (elapsed, view);
}

// Worker processes on one PostgreSQL database, measured warm: the workers first run a warm-up round
// (their JIT tiers up), then the measured flows are created, each waiting on a durable timer that fires
// for all of them at once when creating is done, so that creating them takes no CPU from running them.
// steps/s counts the no-op steps committed between 20% and 80% of the flows completed; the rate from the
// timer to the last flow is reported beside it.
// queues: process i serves queues[i % n] and flow j runs on queues[j % n] (null: every process serves the default queue, as flows do).
async Task<double> ScaleOutAsync(int processes, int flowCount, int steps, string[]? queues = null)
{
    var steady = 0.0;
    await using var database = await PgDatabase.CreateAsync(PgDatabase.Server!);
    var flows = new FlowMachine.Postgres.PostgresFlowStore(new FlowMachine.Postgres.PostgresStoreOptions { ConnectionString = database.ConnectionString });
    await flows.InitializeAsync(default);
    await using (var engine = new FlowEngine(flows, new TaskRegistry().AddBuiltIns()))
    {
        await using var count = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await count.OpenAsync();
        var set = new PgFlowSet(engine, count, $"{processes} worker processes");
        string On(int flow) => queues is null ? "" : $", queue: {queues[flow % queues.Length]}";
        await using var workers = await WorkerProcesses.StartAsync(database.ConnectionString, processes, concurrency: 32, queues is null ? null : i => queues[i % queues.Length]);
        var warmUp = Math.Max(100, flowCount / 4);
        var clock = Stopwatch.StartNew();
        var warm = await set.StartAllAsync(warmUp, i => "tasks: [" + string.Join(", ", Enumerable.Range(0, steps).Select(s => $"{{ key: s{s}, task_type: noop{On(i)} }}")) + "]");
        var perStart = clock.Elapsed / warmUp;
        await set.UntilCompletedAsync(warm);

        // The workers run every gate step as its flow is created, which slows creating down: leave room.
        var at = DateTimeOffset.UtcNow + perStart * flowCount * 3 + TimeSpan.FromSeconds(2);
        clock.Restart();
        var measured = await set.StartAllAsync(flowCount, flow => PgFlowSet.Gated(at, steps, On(flow)));
        var created = clock.Elapsed;
        var late = DateTimeOffset.UtcNow > at;
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        clock.Restart();
        (double At, double Done)? low = null, high = null;
        await set.UntilCompletedAsync(measured, done =>
        {
            var t = clock.Elapsed.TotalSeconds;
            if (low is null && done >= 0.2)
            {
                low = (t, done);
            }

            if (high is null && done >= 0.8)
            {
                high = (t, done);
            }
        });

        var elapsed = clock.Elapsed.TotalSeconds;
        steady = low is { } l && high is { } h && h.At > l.At ? (h.Done - l.Done) * flowCount * steps / (h.At - l.At) : flowCount * steps / elapsed;
        var served = queues is null ? "" : queues.Length == 1 ? $", one queue ({queues[0]}) served by all" : $", {queues.Length} queues served one per process";
        Report("postgres", $"{processes} worker process(es){served}, {flowCount} x {steps} steps", new()
        {
            ["steps_per_s"] = steady,
            ["flows_per_s"] = steady / steps,
            ["timer_to_last_steps_per_s"] = flowCount * steps / elapsed,
            ["create_all_s"] = created.TotalSeconds,
            ["created_after_timer"] = late ? 1 : 0,
            ["worker_peak_mb"] = workers.PeakWorkingSetMb(),
        });
    }

    await flows.DisposeAsync();
    return steady;
}

async Task WaitingFlowsAsync(int count)
{
    var folder = Path.Combine(Path.GetTempPath(), "flowmachine-bench", Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(folder);
    var path = Path.Combine(folder, "waiting.db");
    var spec = "tasks: [{ key: gate, task_type: wait, task_params: { reason: 'waiting for a person' } }, noop]";

    // Fill the store: every flow runs up to its wait step and stays WAITING.
    TimeSpan created;
    {
        var flows = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await flows.InitializeAsync(default);
        await using (var engine = new FlowEngine(flows, new TaskRegistry().AddBuiltIns()))
        {
            var worker = new FlowWorker(engine, new FlowWorkerOptions { Concurrency = 64 });
            using var stop = new CancellationTokenSource();
            var running = Task.Run(() => worker.RunAsync(stop.Token));
            var clock = Stopwatch.StartNew();
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
                await engine.StartAsync(new StartFlowRequest { SpecText = spec }, ct));
            while ((await flows.CountFlowsByStateAsync(null, default))[FlowState.Waiting] < count)
            {
                await Task.Delay(50);
            }

            created = clock.Elapsed;
            await stop.CancelAsync();
            await running;
        }

        await flows.DisposeAsync();
    }

    // A real `flowmachine worker` process on that store: its memory is what the 100,000 waiting flows cost a worker.
    // While it runs, people push some of the waiting flows on; it finishes them.
    {
        var flows = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await flows.InitializeAsync(default);
        await using var workers = await WorkerProcesses.StartAsync(path, 1, concurrency: 64);
        await using (var engine = new FlowEngine(flows, new TaskRegistry().AddBuiltIns()))
        {
            var pushed = Math.Min(1000, count);
            var page = await flows.ListFlowsAsync(new FlowQuery { State = FlowState.Waiting, Limit = pushed }, default);
            foreach (var flow in page.Items)
            {
                await engine.PushAsync(flow.Id, JsonValue.Create("approved"));
            }

            var deadline = DateTime.UtcNow.AddMinutes(5);
            while ((await flows.CountFlowsByStateAsync(null, default))[FlowState.Completed] < page.Items.Count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("the worker process did not finish the pushed flows in 5 minutes");
                }

                await Task.Delay(100);
            }

            var pages = new List<double>();
            string? after = null;
            for (var i = 0; i < 20; i++)
            {
                var t = Stopwatch.StartNew();
                var next = await flows.ListFlowsAsync(new FlowQuery { State = FlowState.Waiting, Limit = 50, After = after }, default);
                pages.Add(t.Elapsed.TotalMilliseconds);
                after = next.Next;
            }

            Report("sqlite", $"{count} WAITING flows", new()
            {
                ["created_in_s"] = created.TotalSeconds,
                ["worker_process_peak_mb"] = workers.PeakWorkingSetMb(),
                ["pushed_and_finished_by_worker"] = page.Items.Count,
                ["list_page_p50_ms"] = Percentile(pages, 50),
                ["list_page_max_ms"] = pages.Max(),
            });
        }

        await flows.DisposeAsync();
    }

    Directory.Delete(folder, true);
}
