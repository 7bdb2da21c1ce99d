using FlowMachine.Postgres;
using FlowMachine.Retention;
using FlowMachine.Storage;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// Operating for months on PostgreSQL. W3 (retention-pg): a fresh database against one holding COUNT finished 3-step flows (5,000 real flows run by the
/// engine, their flows, steps and history rows copied in SQL with new ids and older times), rounds alternating. W10 beside the sweeper and the table sizes (retention-pg-sweep): see SweepAsync.
/// </summary>
internal static class PgRetentionBench
{
    private const int Live = 5000;

    public static async Task RunAsync(int count, int rounds)
    {
        var (server, full, _) = await PrepareAsync(count);
        await using var fullScope = full;
        var times = new Dictionary<string, List<double>> { ["empty"] = [], ["full"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            await using (var empty = await PgDatabase.CreateAsync(server))
            {
                await RoundAsync(empty.ConnectionString, "empty", round, times);
            }

            await RoundAsync(full.ConnectionString, "full", round, times);
        }

        var (a, b) = (RetentionBench.Median(times["empty"]), RetentionBench.Median(times["full"]));
        Console.WriteLine($"postgres W3 medians: empty {6000 / a:N0} steps/s, full {6000 / b:N0} steps/s; full/empty time {b / a:0.00}x (target <= 1.2x)");
    }

    /// <summary>
    /// W10 alone against W10 while the sweeper (default policy) deletes COUNT / ROUNDS of the old flows a round, so
    /// every old flow is gone after the last round (with SECONDS > 0: the sweeper deletes the oldest for SECONDS a
    /// round, see W10BesideSweepAsync, and then alone for SECONDS). Then, on a second database filled the same way (the first holds
    /// the W10 flows too), the table sizes before a purge of every old flow, after it and after a plain VACUUM,
    /// against the same database when it held only its live flows.
    /// </summary>
    public static async Task SweepAsync(int count, int rounds, int seconds)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (_, full, oldest) = await PrepareAsync(count);
        await using (full)
        {
            clock.Restart();
            await using var runner = await BatchRunner.OpenAsync(await OpenAsync(full.ConnectionString), 64);
            await RetentionBench.W10BesideSweepAsync(runner, oldest, count, rounds, count / rounds, seconds > 0 ? TimeSpan.FromSeconds(seconds) : null);
            Console.WriteLine($"postgres: W10 beside the sweeper took {clock.Elapsed.TotalSeconds:0.0} s; load {RetentionBench.Load()}");
            if (seconds > 0)
            {
                await RetentionBench.SweepAloneAsync((IFlowRetentionStore)runner.Store, oldest, count, TimeSpan.FromSeconds(seconds));
            }
        }

        (_, full, oldest) = await PrepareAsync(count);
        await using (full)
        {
            await PrintSizesAsync(full.ConnectionString, "before the purge");
            clock.Restart();
            await using (var store = await OpenAsync(full.ConnectionString))
            {
                // Batches of 2,000 without pauses (FlowMachine:Retention:BatchSize and Pause): nothing else runs here.
                var sweeper = new RetentionSweeper(store, new RetentionPolicy { BatchSize = 2000, Pause = TimeSpan.Zero }, TimeProvider.System);
                var filter = new FlowRetentionFilter { States = [FlowState.Completed], FinishedBefore = DateTimeOffset.FromUnixTimeMilliseconds(oldest + count) };
                var (deleted, _) = await sweeper.DeleteAllAsync(filter, default);
                Console.WriteLine($"postgres: purged {deleted:N0} flows in {clock.Elapsed.TotalSeconds:0.0} s ({deleted / clock.Elapsed.TotalSeconds:N0} flows/s); load {RetentionBench.Load()}");
            }

            await PrintSizesAsync(full.ConnectionString, "after the purge");
            clock.Restart();
            await ExecuteAsync(full.ConnectionString, "VACUUM");
            Console.WriteLine($"postgres: VACUUM took {clock.Elapsed.TotalSeconds:0.0} s");
            await PrintSizesAsync(full.ConnectionString, "after VACUUM");
        }
    }

    /// <summary>The sweeper catching up beside W10 (retention-pg-catchup): see <see cref="CatchUpBench"/>.</summary>
    public static async Task CatchUpAsync(int count, int intervalSeconds, int intervals)
    {
        var (_, full, oldest) = await PrepareAsync(count);
        await using (full)
        {
            await using var runner = await BatchRunner.OpenAsync(await OpenAsync(full.ConnectionString), 64);
            await CatchUpBench.RunAsync(runner, oldest, count, TimeSpan.FromSeconds(intervalSeconds), intervals);
        }
    }

    // A database holding LIVE real 3-step flows (its sizes printed as the fresh store), then COUNT finished copies.
    private static async Task<(string Server, PgDatabase Full, long Oldest)> PrepareAsync(int count)
    {
        var server = PgDatabase.Server ?? throw new InvalidOperationException("set FLOWMACHINE_BENCH_PG or FLOWMACHINE_TEST_PG");
        var full = await PgDatabase.CreateAsync(server);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var runner = await BatchRunner.OpenAsync(await OpenAsync(full.ConnectionString), 64))
        {
            await runner.RunAsync(Specs.Linear(3), Live);
        }

        Console.WriteLine($"postgres: {Live:N0} live flows run in {clock.Elapsed.TotalSeconds:0.0} s");
        await PrintSizesAsync(full.ConnectionString, "fresh store, live flows only");
        clock.Restart();
        var oldest = await FillAsync(full.ConnectionString, count);
        Console.WriteLine($"postgres: {count:N0} finished flows copied in {clock.Elapsed.TotalSeconds:0.0} s; load {RetentionBench.Load()}");
        return (server, full, oldest);
    }

    // pg_total_relation_size (table, indexes, TOAST) of flows, steps, history and the other tables together; the database.
    private static async Task PrintSizesAsync(string connectionString, string label)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = 'flowmachine' AND c.relkind = 'r' UNION ALL SELECT '(database)', pg_database_size(current_database()) " +
            "UNION ALL SELECT '(flows rows)', count(*) FROM flowmachine.flows",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var sizes = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            sizes[reader.GetString(0)] = reader.GetInt64(1);
        }

        static string Mb(long bytes) => $"{bytes / 1048576.0:0.0} MB";
        var named = new[] { "flows", "steps", "history" };
        var other = sizes.Where(p => !named.Contains(p.Key) && !p.Key.StartsWith('(')).Sum(p => p.Value);
        Console.WriteLine($"  sizes, {label} ({sizes["(flows rows)"]:N0} flows): flows {Mb(sizes["flows"])}, steps {Mb(sizes["steps"])}, history {Mb(sizes["history"])}, " +
            $"other tables {Mb(other)}; database {Mb(sizes["(database)"])}");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 7200 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task RoundAsync(string connectionString, string name, int round, Dictionary<string, List<double>> times)
    {
        await using var runner = await BatchRunner.OpenAsync(await OpenAsync(connectionString), 64);
        await runner.RunAsync(Specs.Linear(3), 50);
        var took = await runner.RunAsync(Specs.Linear(3), 2000);
        times[name].Add(took.TotalSeconds);
        Console.WriteLine($"  W3 {name,-5} round {round + 1}: {6000 / took.TotalSeconds:N0} steps/s (load {RetentionBench.Load()})");
    }

    private static async Task<PostgresFlowStore> OpenAsync(string connectionString)
    {
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = connectionString });
        await store.InitializeAsync(default);
        return store;
    }

    // Returns the oldest copy's time: copy i has times oldest + i ms, so a FinishedBefore selects the oldest copies.
    private static async Task<long> FillAsync(string connectionString, int count)
    {
        var oldest = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count - 86_400_000L;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var sql = "SET search_path TO flowmachine;" +
            "CREATE TEMP TABLE src AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM flows;" +
            "CREATE TEMP TABLE copies AS SELECT src.id AS id, 'old' || g.i AS nid, @oldest + g.i AS at " +
            $"FROM generate_series(0, @n - 1) AS g(i) JOIN src ON src.k = g.i % {Live};" +
            await CopyAsync(connection, "flows", "id") + await CopyAsync(connection, "steps", "flow_id") + await CopyAsync(connection, "history", "flow_id") +
            "ANALYZE;";
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 7200 };
        command.Parameters.AddWithValue("n", (long)count);
        command.Parameters.AddWithValue("oldest", oldest);
        await command.ExecuteNonQueryAsync();
        return oldest;
    }

    private static async Task<string> CopyAsync(NpgsqlConnection connection, string table, string idColumn)
    {
        var columns = new List<string>();
        await using var info = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = 'flowmachine' AND table_name = @t ORDER BY ordinal_position", connection);
        info.Parameters.AddWithValue("t", table);
        await using var r = await info.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            columns.Add(r.GetString(0));
        }

        return RetentionBench.CopySql(table, idColumn, columns);
    }
}
