using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

public sealed class PostgresDiagnosisScenarios(TestDatabase db) : DiagnosisScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}
