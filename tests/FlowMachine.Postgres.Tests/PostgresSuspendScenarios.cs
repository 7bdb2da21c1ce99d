using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

public sealed class PostgresSuspendScenarios(TestDatabase db) : SuspendScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}
