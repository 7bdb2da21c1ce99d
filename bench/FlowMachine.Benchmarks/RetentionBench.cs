using System.Diagnostics;
using System.Globalization;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Retention;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Benchmarks;

/// <summary>
/// Operating for months on SQLite: a store is filled once with COUNT finished 3-step flows (LIVE real flows run
/// by the engine, then their flows, steps and history rows copied in raw SQL with new ids and older times) and
/// the file copied for every run. Measures, alternating A and B rounds: W3 on an empty store against the
/// filled one; W10 alone against W10 while the retention sweeper (RetentionSweeper.DeleteAllAsync, its default
/// batches and pauses) deletes a slice of the old flows; and the file after purging every old flow and
/// incremental vacuum against the fresh store that holds only the LIVE flows.
/// </summary>
internal static class RetentionBench
{
    private const int Live = 5000;

    public static async Task RunAsync(int count, int rounds, int slice)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fm-retention-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var empty = Path.Combine(folder, "empty.db");
            var live = Path.Combine(folder, "live.db");
            var full = Path.Combine(folder, "full.db");
            await using (var store = await OpenAsync(empty))
            {
            }

            var clock = Stopwatch.StartNew();
            await using (var runner = await BatchRunner.OpenAsync(await OpenAsync(live), 64))
            {
                await runner.RunAsync(Specs.Linear(3), Live);
            }

            await CheckpointAsync(live);
            Console.WriteLine($"{Live:N0} live flows run in {clock.Elapsed.TotalSeconds:0.0} s; live.db {Mb(live):0.0} MB");
            File.Copy(live, full);
            clock.Restart();
            var oldest = await FillAsync(full, count);
            await CheckpointAsync(full);
            Console.WriteLine($"{count:N0} finished flows copied in {clock.Elapsed.TotalSeconds:0.0} s; full.db {Mb(full):0.0} MB; load {Load()}");

            await W3Async(empty, full, rounds);
            await SweepAsync(full, folder, oldest, count, rounds, slice);
            await PurgeAsync(full, live, folder, oldest, count);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    // W3 (PEERS.md): 2,000 flows of 3 no-op steps started at once, 64 slots; a fresh copy of each file per round.
    private static async Task W3Async(string empty, string full, int rounds)
    {
        var times = new Dictionary<string, List<double>> { ["empty"] = [], ["full"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, file) in new[] { ("empty", empty), ("full", full) })
            {
                var copy = CopyOf(file);
                await using (var runner = await BatchRunner.OpenAsync(await OpenAsync(copy), 64))
                {
                    await runner.RunAsync(Specs.Linear(3), 50);
                    var took = await runner.RunAsync(Specs.Linear(3), 2000);
                    times[name].Add(took.TotalSeconds);
                    Console.WriteLine($"  W3 {name,-5} round {round + 1}: {6000 / took.TotalSeconds:N0} steps/s (load {Load()})");
                }

                Delete(copy);
            }
        }

        var (a, b) = (Median(times["empty"]), Median(times["full"]));
        Console.WriteLine($"W3 medians: empty store {6000 / a:N0} steps/s, full store {6000 / b:N0} steps/s; full/empty time {b / a:0.00}x (target <= 1.2x)");
    }

    // W10 beside the sweeper on a fresh copy of the filled file.
    private static async Task SweepAsync(string full, string folder, long oldest, int count, int rounds, int slice)
    {
        var copy = Path.Combine(folder, "sweep.db");
        File.Copy(full, copy);
        await using (var runner = await BatchRunner.OpenAsync(await OpenAsync(copy), 64))
        {
            await W10BesideSweepAsync(runner, oldest, count, rounds, slice);
        }

        Delete(copy);
    }

    /// <summary>
    /// W10 (PEERS.md): 500 flows of 10 no-op steps at once, repeated back to back; about 8 s alone, then while
    /// the sweeper (RetentionSweeper.DeleteAllAsync paced as a sweep, default policy) deletes the next SLICE of the
    /// COUNT old flows (times oldest + i ms), ROUNDS rounds alternating; prints each round and the medians. With
    /// SWEEPFOR, each round's sweep instead deletes the oldest of the old flows for that long and is then stopped
    /// (a paced sweep of a whole slice would take many minutes a round).
    /// </summary>
    public static async Task W10BesideSweepAsync(BatchRunner runner, long oldest, int count, int rounds, int slice, TimeSpan? sweepFor = null)
    {
        var alone = new List<double>();
        var during = new List<double>();
        var counting = new CountingRetentionStore((IFlowRetentionStore)runner.Store);
        var sweeper = new RetentionSweeper(counting, new RetentionPolicy(), TimeProvider.System);
        // Warm up for 5 s: the first runs on a freshly copied file read it from disk and would count as "alone".
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(5))
        {
            await runner.RunAsync(Specs.Linear(10), 500);
        }

        for (var round = 0; round < rounds && (sweepFor is not null || (round + 1) * (long)slice <= count); round++)
        {
            var aloneClock = Stopwatch.StartNew();
            var n = 0;
            while (aloneClock.Elapsed < TimeSpan.FromSeconds(8) || n < 3)
            {
                alone.Add((await runner.RunAsync(Specs.Linear(10), 500)).TotalSeconds);
                n++;
            }

            var before = DateTimeOffset.FromUnixTimeMilliseconds(oldest + (sweepFor is null ? (round + 1) * (long)slice : count));
            var filter = new FlowRetentionFilter { States = [FlowState.Completed], FinishedBefore = before };
            var sweepClock = Stopwatch.StartNew();
            var start = counting.Deleted;
            using var stop = sweepFor is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
            var sweep = SweepUntilStoppedAsync(sweeper, filter, stop.Token);
            var w10 = 0;
            while (!sweep.IsCompleted)
            {
                during.Add((await runner.RunAsync(Specs.Linear(10), 500)).TotalSeconds);
                w10++;
            }

            await sweep;
            var flows = counting.Deleted - start;
            var (batchMedian, batchMax) = counting.TakeBatchTimes();
            Console.WriteLine($"  round {round + 1}: {n} W10 alone median {5000 / Median(alone[^n..]):N0} steps/s; sweeper deleted {flows:N0} flows in {sweepClock.Elapsed.TotalSeconds:0.0} s " +
                $"({flows / sweepClock.Elapsed.TotalSeconds:N0} flows/s, batches {batchMedian:N0} ms median, {batchMax:N0} ms max) beside {w10} W10 runs, " +
                $"median {(w10 > 0 ? 5000 / Median(during[^w10..]) : 0):N0} steps/s (load {Load()})");
        }

        var (a, b) = (Median(alone), Median(during));
        Console.WriteLine($"W10 medians: alone {5000 / a:N0} steps/s ({alone.Count} runs), during sweep {5000 / b:N0} steps/s ({during.Count} runs); slower by {(b / a - 1) * 100:0.0} % (target <= 15 %)");
    }

    /// <summary>The sweeper (paced as a sweep, default policy) alone for SWEEPFOR over the old flows left: how fast it deletes with nothing else running.</summary>
    public static async Task SweepAloneAsync(IFlowRetentionStore store, long oldest, int count, TimeSpan sweepFor)
    {
        var counting = new CountingRetentionStore(store);
        var sweeper = new RetentionSweeper(counting, new RetentionPolicy(), TimeProvider.System);
        var filter = new FlowRetentionFilter { States = [FlowState.Completed], FinishedBefore = DateTimeOffset.FromUnixTimeMilliseconds(oldest + count) };
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(sweepFor);
        await SweepUntilStoppedAsync(sweeper, filter, stop.Token);
        var (batchMedian, batchMax) = counting.TakeBatchTimes();
        Console.WriteLine($"sweeper alone: deleted {counting.Deleted:N0} flows in {clock.Elapsed.TotalSeconds:0.0} s ({counting.Deleted / clock.Elapsed.TotalSeconds:N0} flows/s, " +
            $"batches {batchMedian:N0} ms median, {batchMax:N0} ms max; load {Load()})");
    }

    internal static async Task SweepUntilStoppedAsync(RetentionSweeper sweeper, FlowRetentionFilter filter, CancellationToken stop)
    {
        try
        {
            await sweeper.DeleteAllAsync(filter, paced: true, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    // `flows purge` of every old flow (the sweeper's DeleteAllAsync), then incremental vacuum until the file stops shrinking.
    private static async Task PurgeAsync(string full, string live, string folder, long oldest, int count)
    {
        var copy = Path.Combine(folder, "purge.db");
        File.Copy(full, copy);
        var before = Mb(copy);
        var clock = Stopwatch.StartNew();
        long deleted;
        await using (var store = await OpenAsync(copy))
        {
            // Batches of 2,000 without pauses (FlowMachine:Retention:BatchSize and Pause): nothing else runs here.
            var sweeper = new RetentionSweeper(store, new RetentionPolicy { BatchSize = 2000, Pause = TimeSpan.Zero }, TimeProvider.System);
            (deleted, _) = await sweeper.DeleteAllAsync(new FlowRetentionFilter { States = [FlowState.Completed], FinishedBefore = DateTimeOffset.FromUnixTimeMilliseconds(oldest + count) }, default);
            var purged = clock.Elapsed;
            clock.Restart();
            var reclaims = 0;
            long last = -1;
            while (true)
            {
                await store.ReclaimSpaceAsync(default);
                reclaims++;
                var size = (await store.GetStorageStatsAsync(default)).DatabaseBytes ?? 0;
                if (size == last)
                {
                    break;
                }

                last = size;
            }

            Console.WriteLine($"  purged {deleted:N0} flows in {purged.TotalSeconds:0.0} s; {reclaims} incremental vacuum steps in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        SqliteConnection.ClearAllPools();
        var after = Mb(copy);
        var fresh = Mb(live);
        Console.WriteLine($"file: {before:0.0} MB with {count + Live:N0} flows, {after:0.0} MB after purge and vacuum; fresh store with the same {Live:N0} live flows {fresh:0.0} MB; ratio {after / fresh:0.00} (target <= 1.10)");
        Delete(copy);
    }

    // Copies every live flow's flows/steps/history rows COUNT / LIVE times (more for the first ones when COUNT is not
    // a multiple), each copy with its own id and times oldest + i ms, so a FinishedBefore selects the oldest copies.
    private static async Task<long> FillAsync(string path, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        var oldest = await ScalarAsync(connection, "SELECT MIN(created_at) FROM flows") - (count + 86_400_000L);
        var sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN;" +
            "CREATE TEMP TABLE src AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM flows;" +
            "CREATE TEMP TABLE copies AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @n - 1) " +
            $"SELECT src.id AS id, 'old' || n.i AS nid, @oldest + n.i AS at FROM n JOIN src ON src.k = n.i % {Live};" +
            await CopySqlAsync(connection, "flows", "id") +
            await CopySqlAsync(connection, "steps", "flow_id") +
            await CopySqlAsync(connection, "history", "flow_id") +
            "COMMIT; ANALYZE;";
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 7200;
        command.Parameters.AddWithValue("@n", count);
        command.Parameters.AddWithValue("@oldest", oldest);
        await command.ExecuteNonQueryAsync();
        return oldest;
    }

    private static async Task<string> CopySqlAsync(SqliteConnection connection, string table, string idColumn)
    {
        var columns = new List<string>();
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            await using var r = await info.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                columns.Add(r.GetString(0));
            }
        }

        return CopySql(table, idColumn, columns);
    }

    /// <summary>INSERT of <paramref name="table"/>'s rows of every flow in the temporary table <c>copies</c> (id, nid, at) under the new id and time.</summary>
    public static string CopySql(string table, string idColumn, List<string> columns)
    {
        var values = columns.Select(c => c switch
        {
            _ when c == idColumn => "c.nid",
            "key" when table == "flows" => "NULL",
            "created_at" or "updated_at" or "at" => "c.at",
            _ => "t." + c,
        });
        return $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {string.Join(", ", values)} FROM copies c JOIN {table} t ON t.{idColumn} = c.id;";
    }

    // Moves the WAL into the file and closes every connection, so that File.Copy copies every row.
    private static async Task CheckpointAsync(string path)
    {
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await ScalarAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        }

        SqliteConnection.ClearAllPools();
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<SqliteFlowStore> OpenAsync(string path)
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await store.InitializeAsync(default);
        return store;
    }

    private static string CopyOf(string file)
    {
        var copy = file + ".run.db";
        File.Copy(file, copy, overwrite: true);
        return copy;
    }

    private static void Delete(string file)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(file + suffix);
        }
    }

    private static double Mb(string file) => new[] { "", "-wal" }.Where(s => File.Exists(file + s)).Sum(s => new FileInfo(file + s).Length) / 1048576.0;

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public static int Parse(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
