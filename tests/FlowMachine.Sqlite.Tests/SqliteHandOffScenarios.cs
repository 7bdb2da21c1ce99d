using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

public sealed class SqliteHandOffScenarios : HandOffScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}
