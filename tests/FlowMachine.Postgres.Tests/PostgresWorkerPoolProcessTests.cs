using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>Worker pools as two <c>flowmachine worker</c> processes on one PostgreSQL database (a new one per test).</summary>
public sealed class PostgresWorkerPoolProcessTests : WorkerPoolProcessScenarios
{
    private readonly TestDatabase db = new();

    protected override string Database => db.ConnectionString;

    protected override IFlowStore CreateStore() => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString });

    public override Task InitializeAsync() => db.InitializeAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await db.DisposeAsync();
    }
}
