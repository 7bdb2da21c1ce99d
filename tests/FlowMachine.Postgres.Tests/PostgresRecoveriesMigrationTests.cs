using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>The migration that counts lost workers per step (the crash-loop limit).</summary>
public sealed class PostgresRecoveriesMigrationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task A_schema_from_the_version_before_keeps_its_steps_with_no_recoveries_counted()
    {
        // The version before the migration that adds steps.recoveries, whichever number it has.
        var before = PostgresSchema.Migrations.ToList().FindIndex(m => m.Contains("recoveries", StringComparison.Ordinal));
        Assert.True(before > 0);
        var schema = await PostgresSchemas.CreateAtVersionAsync(
            db,
            before,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[]}');" +
            "INSERT INTO flows (id, key, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at) VALUES " +
            "('due', NULL, 'h', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1500);" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('due', 's', 0, 'noop', 'RUNNING', 3);");

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);

        var step = Assert.Single(await store.GetStepsAsync("due", default));
        Assert.Equal((StepState.Running, 3, 0), (step.State, step.Attempts, step.Recoveries));
    }
}
