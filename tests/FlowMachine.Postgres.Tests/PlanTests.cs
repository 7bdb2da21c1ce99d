using Npgsql;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// The statements run under load find their rows by index whatever the statistics say: tables that grew
/// fast since the last ANALYZE made the planner choose whole-table scans and hash joins.
/// </summary>
public sealed class PlanTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task A_claim_and_the_next_due_time_read_indexes_only_on_a_table_grown_since_its_last_analyze()
    {
        await using var connection = await GrownAsync(
            "SELECT 'f' || g, 'h', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1000, CASE WHEN g % 2 = 0 THEN 'w' END, CASE WHEN g % 2 = 0 THEN 5000 END, 0 " +
            "FROM generate_series(1, 5000) AS g");

        foreach (var sql in new[] { Claim, NextDue })
        {
            await using var tx = await connection.BeginTransactionAsync();
            await PostgresSchemas.ExecuteAsync(connection, PostgresQueries.IndexPlansSql, tx);
            var plan = await PostgresSchemas.ExplainAsync(connection, sql, tx);
            Assert.DoesNotContain("Seq Scan", plan);
            Assert.DoesNotContain("Hash Join", plan);
            Assert.DoesNotContain("Bitmap", plan);
            await tx.RollbackAsync();
        }
    }

    [PostgresFact]
    public async Task Each_part_of_a_claim_by_priority_and_of_the_next_due_time_reads_its_own_index()
    {
        // Due flows of priorities -2 to 2: flows_due holds those of priority 0, flows_due_ranked the others.
        await using var connection = await GrownAsync(
            "SELECT 'f' || g, 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1000 + g, NULL, NULL, (g % 5) - 2 FROM generate_series(1, 5000) AS g");

        await using var tx = await connection.BeginTransactionAsync();
        await PostgresSchemas.ExecuteAsync(connection, PostgresQueries.IndexPlansSql, tx);
        var plan = await PostgresSchemas.ExplainAsync(connection, Claim, tx);
        output.WriteLine(plan);
        Assert.Contains("Index Scan using flows_due on flows", plan);
        Assert.Equal(2, plan.Split("Index Scan using flows_due_ranked on flows").Length - 1);
        Assert.Contains("flows_leased", plan);
        Assert.DoesNotContain("Seq Scan", plan);

        var next = await PostgresSchemas.ExplainAsync(connection, NextDue, tx);
        output.WriteLine(next);
        Assert.Contains("flows_due_ranked", next);
        Assert.DoesNotContain("Seq Scan", next);
        await tx.RollbackAsync();
    }

    private static string Claim => PostgresFlowStore.ClaimDueSql.Replace("@now", "2000").Replace("@max", "8").Replace("@owner", "'w2'").Replace("@expires", "9000").Replace("@routes", "ARRAY['gpu/t']");

    private static string NextDue => PostgresFlowStore.NextDueSql.Replace("@routes", "ARRAY['gpu/t']");

    /// <summary>A connection to a new schema whose flows table was analyzed empty, then filled by <paramref name="rows"/>.</summary>
    private async Task<NpgsqlConnection> GrownAsync(string rows)
    {
        var schema = db.NewSchema();
        await using (var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema }))
        {
            await store.InitializeAsync(default);
        }

        var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await PostgresSchemas.ExecuteAsync(connection, $"SET search_path TO \"{schema}\"; ANALYZE flows; " +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at, priority) " +
            rows);
        return connection;
    }
}
