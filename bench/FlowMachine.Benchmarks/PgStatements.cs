using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// pg_stat_statements of one database, read before and after a window: what each statement cost in it. Null
/// when the server has not loaded the extension (it needs <c>shared_preload_libraries = 'pg_stat_statements'</c>).
/// </summary>
internal sealed class PgStatements
{
    private const string Sql =
        "SELECT queryid, toplevel, calls, total_exec_time, total_plan_time, rows, regexp_replace(query, '\\s+', ' ', 'g') " +
        "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

    private readonly string connectionString;

    private PgStatements(string connectionString) => this.connectionString = connectionString;

    /// <summary>One statement's totals.</summary>
    public sealed record Row(string Query, long Calls, double ExecMs, double PlanMs, long Rows);

    public static async Task<PgStatements?> OpenAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await create.ExecuteNonQueryAsync();
            var statements = new PgStatements(connectionString);
            await statements.SnapshotAsync();
            return statements;
        }
        catch (PostgresException error)
        {
            Console.WriteLine($"  (pg_stat_statements unavailable: {error.MessageText}; per-statement figures are not measured)");
            return null;
        }
    }

    public async Task<Dictionary<string, Row>> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture) + (reader.GetBoolean(1) ? "" : "n");
            rows[id] = new Row(reader.GetString(6), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt64(5));
        }

        return rows;
    }

    /// <summary>What each statement did between two snapshots, the costliest first.</summary>
    public static List<Row> Between(Dictionary<string, Row> before, Dictionary<string, Row> after) =>
        [.. after
            .Select(a => before.TryGetValue(a.Key, out var b)
                ? a.Value with { Calls = a.Value.Calls - b.Calls, ExecMs = a.Value.ExecMs - b.ExecMs, PlanMs = a.Value.PlanMs - b.PlanMs, Rows = a.Value.Rows - b.Rows }
                : a.Value)
            .Where(r => r.Calls > 0)
            .OrderByDescending(r => r.ExecMs + r.PlanMs)];

    /// <summary>Prints the top statements per committed step (or other unit, <paramref name="per"/>) and returns all of them as JSON.</summary>
    public static JsonArray Report(List<Row> rows, long steps, int top, string per = "step")
    {
        var execMs = rows.Sum(r => r.ExecMs);
        var planMs = rows.Sum(r => r.PlanMs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  pg_stat_statements: {rows.Sum(r => r.Calls) / (double)steps:0.00} statements, {execMs * 1000 / steps:0.0} µs executing and {planMs * 1000 / steps:0.0} µs planning per {per}"));
        Console.WriteLine($"  {"calls/" + per,10} {"µs/" + per,8} {"µs/call",8} {"plan µs/" + per,12} {"rows/call",9}  statement");
        var json = new JsonArray();
        foreach (var r in rows)
        {
            var perStep = (r.ExecMs + r.PlanMs) * 1000 / steps;
            if (json.Count < top)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Calls / (double)steps,10:0.000} {r.ExecMs * 1000 / steps,8:0.0} {r.ExecMs * 1000 / r.Calls,8:0.0} {r.PlanMs * 1000 / steps,12:0.0} {r.Rows / (double)r.Calls,9:0.00}  {Shorten(r.Query, 160)}"));
            }

            json.Add(new JsonObject
            {
                ["statement"] = Shorten(r.Query, 400),
                ["calls_per_" + per] = Math.Round(r.Calls / (double)steps, 4),
                ["exec_us_per_" + per] = Math.Round(r.ExecMs * 1000 / steps, 2),
                ["plan_us_per_" + per] = Math.Round(r.PlanMs * 1000 / steps, 2),
                ["us_per_" + per] = Math.Round(perStep, 2),
                ["rows_per_call"] = Math.Round(r.Rows / (double)r.Calls, 3),
            });
        }

        return json;
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
