using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Postgres;
using FlowMachine.Registry;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// What a step costs PostgreSQL and the workers, in steady state. Warm workers on one database run a warm-up
/// round; then the measured flows are created, each waiting on a durable timer that is set to fire for all at
/// once when creating is done (<see cref="PgFlowSet.MakeDueAsync"/>), so the window — from just before the timer
/// to the last flow completed — holds no creates. In it: the server's CPU (every PostgreSQL process, from /proc), the workers' CPU, the
/// notifications sent, and pg_stat_statements per statement when the server has loaded it; all per step
/// completed in the window (each flow's gate and its no-op steps).
/// <list type="bullet">
/// <item><c>pgcost [PROCESSES] [FLOWS] [--json PATH]</c>: real <c>flowmachine worker</c> processes (4, concurrency 32 each).</item>
/// <item><c>pgsim [ENGINES] [PROCESSES] [CONCURRENCY] [FLOWS] [--json PATH]</c>: the capacity simulation, ENGINES logical
/// workers (64) spread over PROCESSES (4), each its own engine, store, connections and lease owner
/// (<see cref="SimWorkerHost"/>), CONCURRENCY flows at once each (2); adds claims, empty and short claims, conflicts and wake-ups.</item>
/// </list>
/// </summary>
internal static class PgCostBench
{
    public const string Mode = "pgcost";
    public const string SimMode = "pgsim";
    private const int Steps = 10;
    private const string Channel = "flowmachine_work";

    public static async Task RunAsync(string[] args)
    {
        int At(int i, int fallback) => args.Length > i && !args[i].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        var json = Array.IndexOf(args, "--json") is var j and >= 0 && j + 1 < args.Length ? args[j + 1] : null;
        JsonObject result;
        if (args[0] == SimMode)
        {
            var (engines, processes, concurrency, flows) = (At(1, 64), At(2, 4), At(3, 2), At(4, 4000));
            result = await MeasureAsync(
                $"{engines} logical engines in {processes} processes, concurrency {concurrency} each, {flows} x {Steps} steps",
                flows,
                db => WorkerProcesses.StartSimulatedAsync(db, processes, Math.Max(1, engines / processes), concurrency),
                counted: true);
        }
        else
        {
            var (processes, flows) = (At(1, 4), At(2, 4000));
            result = await MeasureAsync(
                $"{processes} flowmachine worker processes, concurrency 32 each, {flows} x {Steps} steps",
                flows,
                db => WorkerProcesses.StartAsync(db, processes, concurrency: 32),
                counted: false);
        }

        var path = json ?? Path.Combine("bench", "results", args[0] + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {path}");
    }

    private sealed record Snapshot(TimeSpan? Server, TimeSpan Workers, TimeSpan Bench, Dictionary<string, PgStatements.Row>? Statements, long Notifications, long[]? Counts);

    private static async Task<JsonObject> MeasureAsync(string label, int flowCount, Func<string, Task<WorkerProcesses>> start, bool counted)
    {
        Console.WriteLine($"PostgreSQL cost per step: {label}");
        await using var database = await PgDatabase.CreateAsync(PgDatabase.Server ?? throw new ArgumentException("set FLOWMACHINE_BENCH_PG to a PostgreSQL connection string"));
        // Named apart from the workers, whose connections are counted.
        var flows = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = "flowmachine-bench" }.ConnectionString });
        await flows.InitializeAsync(default);
        try
        {
            await using var engine = new FlowEngine(flows, new TaskRegistry().AddBuiltIns());
            await using var count = new NpgsqlConnection(database.ConnectionString);
            await count.OpenAsync();
            var set = new PgFlowSet(engine, count, label);
            var serverCpu = await PgServerCpu.FindAsync(database.ConnectionString);
            if (serverCpu is null)
            {
                Console.WriteLine("  (the server's processes are not on this machine: its CPU is not measured)");
            }

            var statements = await PgStatements.OpenAsync(database.ConnectionString);
            await using var notifications = await NotificationCounter.StartAsync(database.ConnectionString, Channel);
            await using var workers = await start(database.ConnectionString);

            var warmUp = Math.Max(200, flowCount / 4);
            var clock = Stopwatch.StartNew();
            await set.UntilCompletedAsync(await set.StartAllAsync(warmUp, Specs.Linear(Steps)));
            var perStart = clock.Elapsed / warmUp;

            async Task<Snapshot> TakeAsync() => new(
                serverCpu?.Total(),
                workers.TotalProcessorTime(),
                Process.GetCurrentProcess().TotalProcessorTime,
                statements is null ? null : await statements.SnapshotAsync(),
                notifications.Received,
                counted ? await workers.AskCountsAsync() : null);

            // Creating is measured too, up to every gate step waiting: a create, a claim and a commit per flow. The
            // gate is an hour away; then one statement moves it to 2 s from now for every flow (the timer's row
            // and the flow's due time, as the gate's own commit wrote them) and VACUUM clears the old row
            // versions, so that the window begins with every flow due at once and no creates, and nobody waits an hour.
            var creating = await TakeAsync();
            clock.Restart();
            var measured = await set.StartAllAsync(flowCount, PgFlowSet.Gated(DateTimeOffset.UtcNow.AddHours(1), Steps));
            await set.UntilAsync(measured, "WAITING");
            var createWindow = clock.Elapsed;
            var created = await TakeAsync();
            var at = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
            await set.MakeDueAsync(at);
            var late = DateTimeOffset.UtcNow > at - TimeSpan.FromMilliseconds(300);
            if (at - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(200) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            var before = await TakeAsync();
            clock.Restart();
            await set.UntilCompletedAsync(measured);
            var window = clock.Elapsed;
            var after = await TakeAsync();
            var result = Report(label, flowCount, window, before, after, late, workers.PeakWorkingSetMb());
            result["worker_connections"] = await set.WorkerConnectionsAsync();
            Console.WriteLine($"  connections held by the workers (pooled, listeners included): {result["worker_connections"]}");
            result["create"] = ReportCreates(flowCount, createWindow, creating, created);
            return result;
        }
        finally
        {
            await flows.DisposeAsync();
        }
    }

    private static JsonObject ReportCreates(int flowCount, TimeSpan window, Snapshot before, Snapshot after)
    {
        double PerFlow(TimeSpan cpu) => Math.Round(cpu.TotalMilliseconds / flowCount, 4);
        var figures = new JsonObject
        {
            ["flows"] = flowCount,
            ["window_s"] = Math.Round(window.TotalSeconds, 3),
            ["flows_per_s"] = Math.Round(flowCount / window.TotalSeconds, 0),
            ["worker_cpu_ms_per_flow"] = PerFlow(after.Workers - before.Workers),
            ["bench_process_cpu_ms_per_flow"] = PerFlow(after.Bench - before.Bench),
            ["notifications_per_flow"] = Math.Round((after.Notifications - before.Notifications) / (double)flowCount, 4),
        };
        if (after.Server is { } s1 && before.Server is { } s0)
        {
            figures["server_cpu_ms_per_flow"] = PerFlow(s1 - s0);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  creating (before the window): {flowCount:N0} flows created and run to their timer in {window.TotalSeconds:0.00} s; CPU per flow: server {figures["server_cpu_ms_per_flow"]?.ToString() ?? "not measured"} ms, " +
            $"workers {figures["worker_cpu_ms_per_flow"]} ms, creating process {figures["bench_process_cpu_ms_per_flow"]} ms; notifications {figures["notifications_per_flow"]} per flow"));
        if (after.Statements is { } a && before.Statements is { } b)
        {
            figures["statements"] = PgStatements.Report(PgStatements.Between(b, a), flowCount, top: 8, per: "flow");
        }

        return figures;
    }

    private static JsonObject Report(string label, int flowCount, TimeSpan window, Snapshot before, Snapshot after, bool late, long peakMb)
    {
        var steps = flowCount * (Steps + 1L);
        double PerStep(TimeSpan cpu) => cpu.TotalMilliseconds / steps;
        var figures = new JsonObject
        {
            ["workload"] = label,
            ["at"] = DateTimeOffset.UtcNow,
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            ["steps_in_window"] = steps,
            ["window_s"] = Math.Round(window.TotalSeconds, 3),
            ["steps_per_s"] = Math.Round(steps / window.TotalSeconds, 0),
            ["worker_cpu_ms_per_step"] = Math.Round(PerStep(after.Workers - before.Workers), 4),
            ["bench_process_cpu_ms_per_step"] = Math.Round(PerStep(after.Bench - before.Bench), 4),
            ["notifications_per_step"] = Math.Round((after.Notifications - before.Notifications) / (double)steps, 4),
            ["created_after_timer"] = late ? 1 : 0,
            ["worker_peak_mb"] = peakMb,
        };
        if (after.Server is { } s1 && before.Server is { } s0)
        {
            figures["server_cpu_ms_per_step"] = Math.Round(PerStep(s1 - s0), 4);
            figures["server_cores_busy"] = Math.Round((s1 - s0) / window, 3);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {steps:N0} steps in {window.TotalSeconds:0.00} s: {steps / window.TotalSeconds:N0} steps/s; CPU per step: server {(figures["server_cpu_ms_per_step"]?.GetValue<double>() is { } sv ? sv.ToString("0.000", CultureInfo.InvariantCulture) + " ms" : "not measured")}, " +
            $"workers {figures["worker_cpu_ms_per_step"]} ms, this process {figures["bench_process_cpu_ms_per_step"]} ms; notifications {figures["notifications_per_step"]} per step{(late ? " (CREATES RAN INTO THE WINDOW)" : "")}"));

        if (after.Counts is { } c1 && before.Counts is { } c0)
        {
            var d = c1.Zip(c0, (a, b) => a - b).ToArray();
            figures["claims_per_step"] = Math.Round(d[0] / (double)steps, 4);
            figures["flows_per_claim"] = Math.Round(d[1] / (double)Math.Max(1, d[0]), 3);
            figures["empty_claims_share"] = Math.Round(d[2] / (double)Math.Max(1, d[0]), 4);
            figures["short_claims_share"] = Math.Round(d[3] / (double)Math.Max(1, d[0]), 4);
            figures["empty_claims_with_due_work_per_step"] = Math.Round(d[4] / (double)steps, 4);
            figures["next_due_reads_per_step"] = Math.Round(d[5] / (double)steps, 4);
            figures["wake_ups_per_step"] = Math.Round(d[6] / (double)steps, 4);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  claims {figures["claims_per_step"]} per step ({figures["flows_per_claim"]} flows each; empty {d[2] * 100.0 / Math.Max(1, d[0]):0.0} %, short {d[3] * 100.0 / Math.Max(1, d[0]):0.0} %); " +
                $"empty claims that left due work (skipped as locked) {d[4]:N0} = {figures["empty_claims_with_due_work_per_step"]} per step; next-due reads {figures["next_due_reads_per_step"]} per step; wake-ups by notification {figures["wake_ups_per_step"]} per step"));
        }

        if (after.Statements is { } a && before.Statements is { } b)
        {
            figures["statements"] = PgStatements.Report(PgStatements.Between(b, a), steps, top: 15);
        }
        else
        {
            Console.WriteLine("  per-statement figures unavailable (the server has not loaded pg_stat_statements)");
        }

        return figures;
    }
}
