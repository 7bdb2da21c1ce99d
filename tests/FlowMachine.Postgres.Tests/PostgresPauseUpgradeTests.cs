using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>A schema of the version before pausing keeps its flows, runs them, and can hold them.</summary>
public sealed class PostgresPauseUpgradeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task A_schema_of_the_version_before_pausing_upgrades_and_holds_flows()
    {
        var schema = await PostgresSchemas.CreateAtVersionAsync(db, PauseUpgrade.VersionOf(PostgresSchema.Migrations) - 1, PauseUpgrade.Rows);

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);

        await PauseUpgrade.AssertUpgradedAsync(store);
    }
}
