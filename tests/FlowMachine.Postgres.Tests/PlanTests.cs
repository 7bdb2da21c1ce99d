using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// The statements run under load find their rows by index whatever the statistics say: tables that grew
/// fast since the last ANALYZE made the planner choose whole-table scans and hash joins.
/// </summary>
public sealed class PlanTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task A_claim_and_the_next_due_time_read_indexes_only_on_a_table_grown_since_its_last_analyze()
    {
        var schema = db.NewSchema();
        await using (var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema }))
        {
            await store.InitializeAsync(default);
        }

        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await PostgresSchemas.ExecuteAsync(connection, $"SET search_path TO \"{schema}\"; ANALYZE flows; " +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at) " +
            "SELECT 'f' || g, 'h', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1000, CASE WHEN g % 2 = 0 THEN 'w' END, CASE WHEN g % 2 = 0 THEN 5000 END " +
            "FROM generate_series(1, 5000) AS g");

        var claim = PostgresFlowStore.ClaimDueSql.Replace("@now", "2000").Replace("@max", "8").Replace("@owner", "'w2'").Replace("@expires", "9000").Replace("@routes", "ARRAY['gpu/t']");
        foreach (var sql in new[] { claim, PostgresFlowStore.NextDueSql.Replace("@routes", "ARRAY['gpu/t']") })
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
}
