using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL user store against the user store conformance suite: one schema per store.</summary>
public sealed class PostgresUserStoreContractTests(TestDatabase db) : UserStoreContractTests, IClassFixture<TestDatabase>
{
    private readonly List<PostgresFlowStore> flows = [];

    protected override ValueTask<IUserStore> CreateStoreAsync()
    {
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
        flows.Add(store);
        return ValueTask.FromResult<IUserStore>(new PostgresUserStore(store));
    }

    protected override async ValueTask CleanupAsync()
    {
        foreach (var store in flows)
        {
            await store.DisposeAsync();
        }
    }
}
