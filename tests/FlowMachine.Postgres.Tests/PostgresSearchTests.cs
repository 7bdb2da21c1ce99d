using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>The tag and attribute tables are added to an older schema without touching its flows.</summary>
public sealed class PostgresSearchTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task A_schema_from_the_version_before_the_search_tables_upgrades_and_its_flows_get_tags_and_attributes()
    {
        var before = PostgresSchema.Migrations.ToList().FindIndex(m => m.Contains("CREATE TABLE IF NOT EXISTS flow_tags", StringComparison.Ordinal));
        Assert.True(before > 0);
        var schema = await PostgresSchemas.CreateAtVersionAsync(
            db,
            before,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[]}');" +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at) VALUES " +
            "('old', 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1500);");

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        Assert.Equal(PostgresSchema.Latest, await PostgresSchemas.ReadVersionAsync(db, schema));

        var old = (await store.GetFlowAsync("old", default))!;
        Assert.Empty(old.Tags);
        Assert.Empty(old.Attributes);
        var claimed = (await store.ClaimFlowAsync("old", "w1", DateTimeOffset.FromUnixTimeMilliseconds(2000), Lease, default))!;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Attributes = new Dictionary<string, string> { ["customer"] = "42" } }, default);
        Assert.Equal(["old"], (await store.ListFlowsAsync(new FlowQuery { Attribute = new("customer", "42") }, default)).Items.Select(f => f.Id));
        Assert.Equal("42", (await store.GetFlowAsync("old", default))!.Attributes["customer"]);
    }
}
