using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.Postgres;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// Finding flows at scale: COUNT finished flows (every 100th tagged <c>vip</c>, every other one <c>eu</c>, every
/// 1000th with attribute customer=42) written straight into a fresh store, then the time of one page of 50
/// filtered by tag (rare and common, first and a deep page), by attribute, by tag with a created range, and
/// by error text on a FAILED-state list. Target: a page filtered by tag at 1,000,000 flows within 50 ms.
/// </summary>
internal static class SearchBench
{
    private const int Rounds = 20;

    public static async Task RunAsync(string storeName, int count)
    {
        var temp = Path.Combine(Path.GetTempPath(), "fm-search-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(temp);
        PgDatabase? pg = null;
        try
        {
            IFlowStore store;
            var loading = Stopwatch.StartNew();
            if (storeName == "postgres")
            {
                pg = await PgDatabase.CreateAsync(PgDatabase.Server ?? throw new InvalidOperationException("set FLOWMACHINE_BENCH_PG or FLOWMACHINE_TEST_PG"));
                store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = pg.ConnectionString });
                await store.InitializeAsync(default);
                await SeedAsync(store);
                await using var connection = new NpgsqlConnection(pg.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(Fill(count, "generate_series(1, @n) AS g(i)", "SET search_path TO flowmachine;") + "ANALYZE;", connection) { CommandTimeout = 3600 };
                command.Parameters.AddWithValue("n", count);
                await command.ExecuteNonQueryAsync();
            }
            else
            {
                var path = Path.Combine(temp, "search.db");
                store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
                await store.InitializeAsync(default);
                await SeedAsync(store);
                await using var connection = new SqliteConnection($"Data Source={path}");
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "BEGIN;" + Fill(count, "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @n) SELECT i FROM n) AS g", "") + "COMMIT; ANALYZE;";
                command.Parameters.AddWithValue("@n", count);
                command.CommandTimeout = 3600;
                await command.ExecuteNonQueryAsync();
            }

            Console.WriteLine($"{storeName}: {count:N0} flows written in {loading.Elapsed.TotalSeconds:0.0} s");
            var first = await store.ListFlowsAsync(new FlowQuery { Tag = "eu", Limit = 50 }, default);
            var deep = first;
            for (var i = 0; i < 20 && deep.Next is not null; i++)
            {
                deep = await store.ListFlowsAsync(new FlowQuery { Tag = "eu", Limit = 50, After = deep.Next }, default);
            }

            await TimeAsync(store, "tag vip (1 %), first page", new FlowQuery { Tag = "vip", Limit = 50 });
            await TimeAsync(store, "tag eu (50 %), first page", new FlowQuery { Tag = "eu", Limit = 50 });
            await TimeAsync(store, "tag eu, page 21 (cursor)", new FlowQuery { Tag = "eu", Limit = 50, After = deep.Next });
            await TimeAsync(store, "tag vip + created range", new FlowQuery { Tag = "vip", Limit = 50, CreatedAfter = Start.AddSeconds(count / 4), CreatedBefore = Start.AddSeconds(count / 2) });
            await TimeAsync(store, "attr customer=42 (0.1 %)", new FlowQuery { Attribute = new("customer", "42"), Limit = 50 });
            await TimeAsync(store, "FAILED + error text", new FlowQuery { State = FlowState.Failed, Error = "timeout", Limit = 50 });
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
        finally
        {
            if (pg is not null)
            {
                await pg.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            Directory.Delete(temp, recursive: true);
        }
    }

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // One flow through the store, so the spec row exists for the rows written beside it.
    private static async Task SeedAsync(IFlowStore store)
    {
        var flow = new FlowRecord { Id = "seed", SpecJson = """{"tasks":["noop"]}""", State = FlowState.Completed, CreatedAt = Start, UpdatedAt = Start, Data = new JsonObject() };
        await store.CreateFlowAsync(new NewFlow(flow, [], []), default);
    }

    // Flow i was created i seconds after Start; every 10th FAILED with an error, the rest COMPLETED.
    private static string Fill(int count, string numbers, string prefix)
    {
        var start = Start.ToUnixTimeMilliseconds();
        var at = $"({start} + g.i * 1000)";
        return prefix +
            "INSERT INTO flows (id, spec_hash, state, position, data, error, parent_child_index, generation, created_at, updated_at) " +
            $"SELECT 'f' || g.i, (SELECT spec_hash FROM flows WHERE id = 'seed'), CASE WHEN g.i % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END, 1, '{{}}', " +
            $"CASE WHEN g.i % 10 = 0 THEN 'step s0: HTTP 504 gateway TIMEOUT after 30 s' END, 0, 0, {at}, {at} FROM {numbers};" +
            $"INSERT INTO flow_tags (flow_id, tag, at) SELECT 'f' || g.i, 'vip', {at} FROM {numbers} WHERE g.i % 100 = 0;" +
            $"INSERT INTO flow_tags (flow_id, tag, at) SELECT 'f' || g.i, 'eu', {at} FROM {numbers} WHERE g.i % 2 = 0;" +
            $"INSERT INTO flow_attributes (flow_id, name, value, at) SELECT 'f' || g.i, 'customer', '42', {at} FROM {numbers} WHERE g.i % 1000 = 0;";
    }

    private static async Task TimeAsync(IFlowStore store, string name, FlowQuery query)
    {
        var times = new List<double>(Rounds);
        var rows = 0;
        for (var i = 0; i < Rounds + 2; i++)
        {
            var watch = Stopwatch.StartNew();
            var page = await store.ListFlowsAsync(query, default);
            watch.Stop();
            rows = page.Items.Count;
            if (i >= 2)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine($"  {name,-28} {rows,3} rows: median {times[times.Count / 2]:0.00} ms, max {times[^1]:0.00} ms");
    }
}
