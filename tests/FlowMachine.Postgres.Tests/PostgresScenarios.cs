using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

public sealed class PostgresDagScenarios(TestDatabase db) : DagScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}

public sealed class PostgresOutcomeScenarios(TestDatabase db) : OutcomeScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}

public sealed class PostgresSeedRoutineScenarios(TestDatabase db) : SeedRoutineScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}

public sealed class PostgresStartValidationScenarios(TestDatabase db) : StartValidationScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}

public sealed class PostgresSearchScenarios(TestDatabase db) : SearchScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}

public sealed class PostgresPriorityScenarios(TestDatabase db) : PriorityScenarios, IClassFixture<TestDatabase>
{
    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() });
}
