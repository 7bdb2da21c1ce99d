using FlowMachine.Conformance.Scenarios;
using FlowMachine.Sqlite;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Tests;

/// <summary>Worker pools as two <c>flowmachine worker</c> processes on one SQLite file.</summary>
public sealed class SqliteWorkerPoolProcessTests : WorkerPoolProcessScenarios
{
    private readonly string folder = Directory.CreateTempSubdirectory("fm-pools-").FullName;

    protected override string Database => Path.Combine(folder, "flows.db");

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = Database });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
