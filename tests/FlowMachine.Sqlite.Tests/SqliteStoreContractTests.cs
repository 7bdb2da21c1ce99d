using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the store conformance suite, on a real file per test.</summary>
public sealed class SqliteStoreContractTests : FlowStoreContractTests
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override ValueTask<IFlowStore> CreateStoreAsync() =>
        ValueTask.FromResult<IFlowStore>(new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"flows{++count}.db") }));

    protected override ValueTask CleanupAsync()
    {
        temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
