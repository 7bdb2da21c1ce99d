using FlowMachine.Postgres;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// W3 on PostgreSQL: a fresh database against one holding COUNT finished 3-step flows (5,000 real flows run by the
/// engine, their flows, steps and history rows copied in SQL with new ids and older times), rounds alternating.
/// </summary>
internal static class PgRetentionBench
{
    private const int Live = 5000;

    public static async Task RunAsync(int count, int rounds)
    {
        var server = PgDatabase.Server ?? throw new InvalidOperationException("set FLOWMACHINE_BENCH_PG or FLOWMACHINE_TEST_PG");
        await using var full = await PgDatabase.CreateAsync(server);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var runner = await BatchRunner.OpenAsync(await OpenAsync(full.ConnectionString), 64))
        {
            await runner.RunAsync(Specs.Linear(3), Live);
        }

        Console.WriteLine($"postgres: {Live:N0} live flows run in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        await FillAsync(full.ConnectionString, count);
        Console.WriteLine($"postgres: {count:N0} finished flows copied in {clock.Elapsed.TotalSeconds:0.0} s; load {RetentionBench.Load()}");
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

    private static async Task FillAsync(string connectionString, int count)
    {
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
        command.Parameters.AddWithValue("oldest", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count - 86_400_000L);
        await command.ExecuteNonQueryAsync();
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
