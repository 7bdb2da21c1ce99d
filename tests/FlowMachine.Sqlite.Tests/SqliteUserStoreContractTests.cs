using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite user store against the user store conformance suite, on a real file per test.</summary>
public sealed class SqliteUserStoreContractTests : UserStoreContractTests
{
    private readonly TempDatabase temp = new();
    private readonly List<SqliteFlowStore> flows = [];

    protected override ValueTask<IUserStore> CreateStoreAsync()
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"users{flows.Count}.db") });
        flows.Add(store);
        return ValueTask.FromResult<IUserStore>(new SqliteUserStore(store));
    }

    protected override async ValueTask CleanupAsync()
    {
        foreach (var store in flows)
        {
            await store.DisposeAsync();
        }

        temp.Dispose();
    }
}
