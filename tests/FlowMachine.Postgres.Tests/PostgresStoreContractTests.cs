using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the store conformance suite: one database per class, one schema per store.</summary>
public sealed class PostgresStoreContractTests(TestDatabase db) : FlowStoreContractTests, IClassFixture<TestDatabase>
{
    protected override ValueTask<IFlowStore> CreateStoreAsync() =>
        ValueTask.FromResult<IFlowStore>(new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() }));
}
