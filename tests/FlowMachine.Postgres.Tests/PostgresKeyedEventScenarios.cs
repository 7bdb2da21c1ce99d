using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

public sealed class PostgresKeyedEventScenarios(TestDatabase db) : KeyedEventScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}
