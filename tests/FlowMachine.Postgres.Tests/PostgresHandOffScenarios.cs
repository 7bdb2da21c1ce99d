using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

public sealed class PostgresHandOffScenarios(TestDatabase db) : HandOffScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}
