using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>A file of the schema version before pausing keeps its flows, runs them, and can hold them.</summary>
public sealed class SqlitePauseUpgradeTests : IDisposable
{
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_file_of_the_version_before_pausing_upgrades_and_holds_flows()
    {
        var path = temp.PathOf();
        SqliteFiles.CreateAtVersion(path, PauseUpgrade.VersionOf(SqliteSchema.Migrations) - 1, PauseUpgrade.Rows);

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));
        await PauseUpgrade.AssertUpgradedAsync(store);
    }
}
