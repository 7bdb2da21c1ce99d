using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The migration that counts lost workers per step (the crash-loop limit).</summary>
public sealed class SqliteRecoveriesMigrationTests : IDisposable
{
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_database_from_the_version_before_keeps_its_steps_with_no_recoveries_counted()
    {
        // The version before the migration that adds steps.recoveries, whichever number it has.
        var path = temp.PathOf();
        SqliteFiles.CreateBefore(
            path,
            "recoveries",
            "due",
            "RUNNING",
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('due', 's', 0, 'noop', 'RUNNING', 3);");

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));
        var step = Assert.Single(await store.GetStepsAsync("due", CancellationToken.None));
        Assert.Equal((StepState.Running, 3, 0), (step.State, step.Attempts, step.Recoveries));
    }
}
