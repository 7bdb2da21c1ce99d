using Npgsql;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>Claims by priority read index heads only: flows_due for priority 0, flows_due_ranked for the others.</summary>
public sealed class PostgresPriorityPlanTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task Each_part_of_a_claim_and_of_the_next_due_time_reads_its_own_index()
    {
        var schema = db.NewSchema();
        await using (var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema }))
        {
            await store.InitializeAsync(default);
        }

        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await PostgresSchemas.ExecuteAsync(connection, $"SET search_path TO \"{schema}\"; ANALYZE flows; " +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, priority) " +
            "SELECT 'f' || g, 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1000 + g, (g % 5) - 2 FROM generate_series(1, 5000) AS g");

        var claim = PostgresFlowStore.ClaimDueSql.Replace("@now", "2000").Replace("@max", "8").Replace("@owner", "'w2'").Replace("@expires", "9000");
        await using var tx = await connection.BeginTransactionAsync();
        await PostgresSchemas.ExecuteAsync(connection, PostgresQueries.IndexPlansSql, tx);
        var plan = await PostgresSchemas.ExplainAsync(connection, claim, tx);
        output.WriteLine(plan);
        Assert.Contains("Index Scan using flows_due on flows", plan);
        Assert.Equal(2, plan.Split("Index Scan using flows_due_ranked on flows").Length - 1);
        Assert.Contains("flows_leased", plan);
        Assert.DoesNotContain("Seq Scan", plan);

        var next = await PostgresSchemas.ExplainAsync(connection, PostgresFlowStore.NextDueSql, tx);
        output.WriteLine(next);
        Assert.Contains("flows_due_ranked", next);
        Assert.DoesNotContain("Seq Scan", next);
        await tx.RollbackAsync();
    }
}
