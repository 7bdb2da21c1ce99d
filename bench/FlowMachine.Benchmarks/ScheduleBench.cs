using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Postgres;
using FlowMachine.Registry;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// Many schedules due in the same minute (cron <c>* * * * *</c>), fired by worker processes: the firing lag of one
/// whole minute's slots (a flow's created time minus its slot, p50/p99), when the last of them was visible to a
/// reader, and the workers' CPU time per fired slot. The workers first fire a warm-up minute; the next minute is measured.
/// </summary>
internal static class ScheduleBench
{
    private const string Routine = "tick";

    /// <summary>schedules STORE [--schedules N] [--workers N] [--warm MINUTES] [--fire-only] [--same-input] [--profile]</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var store = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "sqlite";
        var count = int.Parse(Arg("--schedules") ?? "10000", CultureInfo.InvariantCulture);
        var workers = int.Parse(Arg("--workers") ?? (store == "postgres" ? "2" : "1"), CultureInfo.InvariantCulture);
        var fireOnly = args.Contains("--fire-only");
        var sameInput = args.Contains("--same-input");
        var profile = args.Contains("--profile");

        // Firing once a minute, a worker's code is still tiered up by the JIT during the second minute: two warm-up minutes by default.
        var warmMinutes = int.Parse(Arg("--warm") ?? "2", CultureInfo.InvariantCulture);

        var folder = Path.Combine(Path.GetTempPath(), "flowmachine-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var pg = store == "postgres" ? await PgDatabase.CreateAsync(PgDatabase.Server ?? throw new InvalidOperationException("set FLOWMACHINE_BENCH_PG or FLOWMACHINE_TEST_PG")) : null;
        var database = pg?.ConnectionString ?? Path.Combine(folder, "schedules.db");
        IFlowStore flows = pg is null ? new SqliteFlowStore(new SqliteStoreOptions { Path = database }) : new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = database });
        await flows.InitializeAsync(default);

        var clock = Stopwatch.StartNew();
        // With no flow run, the default overlap policy (skip) would skip every slot after the first: fire-only allows overlap.
        var overlap = fireOnly ? ScheduleOverlap.Allow : ScheduleOverlap.Skip;
        await CreateSchedulesAsync(flows, count, sameInput, overlap);
        Console.WriteLine($"{count} schedules (cron '* * * * *', routine '{Routine}' of one noop step, {(sameInput ? "one input for all" : "an input of its own each")}, overlap {overlap}) created in {clock.Elapsed.TotalSeconds:F1} s on {store}");
        if (flows is IAsyncDisposable closing)
        {
            await closing.DisposeAsync();
        }

        await using var processes = await WorkerProcesses.StartSchedulingAsync(database, workers, fireOnly, profile);
        var now = DateTimeOffset.UtcNow;
        var warm = MinuteAfter(now.AddSeconds(2));
        var slot = warm.AddMinutes(warmMinutes);
        Console.WriteLine($"{workers} worker process(es){(fireOnly ? " firing only (no flow runs)" : " firing and running the flows")}; {warmMinutes} warm-up minute(s) from {warm:HH:mm}, measured minute {slot:HH:mm}");

        var reader = new Reader(pg?.ConnectionString, database);
        await DelayUntilAsync(slot.AddSeconds(-3));
        var firedBefore = await CountAsync(reader, pg is null, slot.AddMinutes(-1), completedOnly: false);
        var cpu = processes.TotalProcessorTime();
        var window = Stopwatch.StartNew();

        // Polled from just before the slot: when half, 99% and all of its flows were visible to a reader.
        var seen = new SortedDictionary<double, double>();
        await DelayUntilAsync(slot.AddMilliseconds(-200));
        var deadline = slot.AddSeconds(55);
        long visible = 0;
        while (visible < count && DateTimeOffset.UtcNow < deadline)
        {
            visible = await CountAsync(reader, pg is null, slot, completedOnly: false);
            var at = (DateTimeOffset.UtcNow - slot).TotalMilliseconds;
            foreach (var share in new[] { 0.5, 0.99, 1.0 })
            {
                if (visible >= share * count && !seen.ContainsKey(share))
                {
                    seen[share] = at;
                }
            }

            await Task.Delay(20);
        }

        var firedAt = window.Elapsed;
        var fireCpu = processes.TotalProcessorTime() - cpu;
        while (!fireOnly && await CountAsync(reader, pg is null, slot, completedOnly: true) < visible && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var allCpu = processes.TotalProcessorTime() - cpu;
        var lags = await LagsAsync(reader, pg is null, slot);
        Console.WriteLine($"last warm-up minute: {firedBefore} of {count} slots fired");
        Console.WriteLine($"measured minute: {lags.Count} of {count} slots fired; created_at - slot: p50 {Percentile(lags, 50):0} ms, p99 {Percentile(lags, 99):0} ms, max {lags.DefaultIfEmpty().Max():0} ms");
        Console.WriteLine("visible to a reader (polled every 20 ms): " + string.Join(", ", seen.Select(s => $"{s.Key:P0} at slot + {s.Value:0} ms")));
        Console.WriteLine($"worker CPU from slot - 3 s until all were visible ({firedAt.TotalSeconds:F1} s): {fireCpu.TotalSeconds:F2} s = {fireCpu.TotalMicroseconds / Math.Max(1, lags.Count):0} µs per fired slot");
        if (!fireOnly)
        {
            Console.WriteLine($"worker CPU until all had completed ({window.Elapsed.TotalSeconds:F1} s): {allCpu.TotalSeconds:F2} s = {allCpu.TotalMicroseconds / Math.Max(1, lags.Count):0} µs per fired slot, its flow run included");
        }

        Console.WriteLine($"worker peak working set: {processes.PeakWorkingSetMb()} MB");
        if (profile)
        {
            PrintProfile(processes, slot);
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return lags.Count == count ? 0 : 1;
    }

    /// <summary>Where each worker's time went between the slot and its last firing: claims, planning (building the flows, reading the routine) and fire transactions.</summary>
    private static void PrintProfile(WorkerProcesses processes, DateTimeOffset slot)
    {
        var from = slot.ToUnixTimeMilliseconds() - 1000;
        foreach (var worker in processes.Profile.GroupBy(p => p.Process))
        {
            var lines = worker.Select(p => p.Line.Split(' ')).Where(f => long.Parse(f[2], CultureInfo.InvariantCulture) >= from && long.Parse(f[2], CultureInfo.InvariantCulture) < from + 56_000).ToList();
            if (lines.Count == 0)
            {
                Console.WriteLine($"  worker {worker.Key}: fired nothing in the measured minute");
                continue;
            }

            double claim = 0, plan = 0, fire = 0, reads = 0, readMs = 0;
            long claimed = 0, created = 0, batches = 0, lastClaimEnd = 0;
            foreach (var f in lines)
            {
                var (start, end) = (long.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture));
                if (f[1] == "claim")
                {
                    claim += end - start;
                    claimed += long.Parse(f[4], CultureInfo.InvariantCulture);
                    batches++;
                    lastClaimEnd = end;
                }
                else
                {
                    plan += lastClaimEnd > 0 ? start - lastClaimEnd : 0;
                    fire += end - start;
                    created += long.Parse(f[4], CultureInfo.InvariantCulture);
                    reads += double.Parse(f[5], CultureInfo.InvariantCulture);
                    readMs += double.Parse(f[6], CultureInfo.InvariantCulture);
                }
            }

            var base0 = slot.ToUnixTimeMilliseconds();
            Console.WriteLine($"  worker {worker.Key}: first claim at slot + {long.Parse(lines[0][2], CultureInfo.InvariantCulture) - base0} ms, last firing committed at slot + {long.Parse(lines[^1][3], CultureInfo.InvariantCulture) - base0} ms; " +
                $"{batches} claims of {claimed} schedules in {claim:0} ms, planning {plan:0} ms (of it {reads:0} routine reads, {readMs:0} ms), {created} flows written in fire transactions taking {fire:0} ms");
        }
    }

    private static async Task CreateSchedulesAsync(IFlowStore flows, int count, bool sameInput, ScheduleOverlap overlap)
    {
        var registry = new TaskRegistry().AddBuiltIns();
        var specs = new SpecInput(registry, SpecLimits.Default);
        var saved = await new RoutineSaving(flows, specs, TimeProvider.System).SaveAsync(Routine, JsonNode.Parse("""{ "tasks": ["noop"] }"""), null, default);
        if (saved.Saved is null)
        {
            throw new InvalidOperationException("the routine was not saved");
        }

        await using var engine = new FlowEngine(flows, registry);
        var verbs = new ScheduleVerbs(flows, specs, new ScheduleRunner(engine), TimeProvider.System);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var result = await verbs.AddAsync($"s{i:D5}", new ScheduleDefinition
            {
                Routine = Routine,
                Cron = "* * * * *",
                Input = new JsonObject { ["n"] = sameInput ? 0 : i },
                Overlap = overlap,
            }, paused: false, note: null, owner: null, ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"schedule s{i:D5}: {result.Outcome} {string.Join("; ", result.Errors.Select(e => e.Message))}");
            }
        });
    }

    private static DateTimeOffset MinuteAfter(DateTimeOffset time) =>
        new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);

    private static async Task DelayUntilAsync(DateTimeOffset at)
    {
        if (at - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static Task<long> CountAsync(Reader reader, bool sqlite, DateTimeOffset slot, bool completedOnly) =>
        reader.QueryAsync(sqlite, "SELECT count(*) FROM {flows} WHERE slot = " + slot.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) +
            (completedOnly ? " AND state = 'COMPLETED'" : ""), async command => Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));

    /// <summary>Each flow of the slot: its created time minus its slot, in milliseconds.</summary>
    private static Task<List<double>> LagsAsync(Reader reader, bool sqlite, DateTimeOffset slot) =>
        reader.QueryAsync(sqlite, "SELECT created_at - slot FROM {flows} WHERE slot = " + slot.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), async command =>
        {
            await using var rows = await command.ExecuteReaderAsync();
            var lags = new List<double>();
            while (await rows.ReadAsync())
            {
                lags.Add(rows.GetInt64(0)); // stored times are Unix milliseconds
            }

            return lags;
        });

    /// <summary>Reads the benchmark's database on a connection of its own per query, again after a lost connection (a server restarted by someone else).</summary>
    private sealed class Reader(string? postgres, string path)
    {
        public async Task<T> QueryAsync<T>(bool sqlite, string sql, Func<DbCommand, Task<T>> read)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using DbConnection connection = postgres is null ? new SqliteConnection($"Data Source={path};Mode=ReadOnly") : new NpgsqlConnection(postgres);
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    command.CommandText = sql.Replace("{flows}", sqlite ? "flows" : "flowmachine.flows", StringComparison.Ordinal);
                    return await read(command);
                }
                catch (DbException ex) when (attempt < 20)
                {
                    Console.Error.WriteLine($"  (reading again after: {ex.Message})");
                    NpgsqlConnection.ClearAllPools();
                    await Task.Delay(500);
                }
            }
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
