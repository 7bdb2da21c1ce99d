using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

/// <summary>SQLite stores for the store conformance suite, on a real file per store.</summary>
public sealed class SqliteContractStores : ContractStores
{
    private readonly TempDatabase temp = new();
    private int count;

    public override ValueTask<IFlowStore> CreateStoreAsync() =>
        ValueTask.FromResult<IFlowStore>(new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"flows{++count}.db") }));

    public override ValueTask CleanupAsync()
    {
        temp.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The SQLite store against the runtime contract.</summary>
public sealed class SqliteRuntimeContractTests() : RuntimeStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the read-only contract.</summary>
public sealed class SqliteQueryContractTests() : QueryStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the routine contract.</summary>
public sealed class SqliteRoutineContractTests() : RoutineStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the resume-token contract.</summary>
public sealed class SqliteResumeTokenContractTests() : ResumeTokenStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the schedule contract.</summary>
public sealed class SqliteScheduleContractTests() : ScheduleStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the retention contract.</summary>
public sealed class SqliteRetentionContractTests() : RetentionStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the search contract (tags, attributes, list filters).</summary>
public sealed class SqliteSearchContractTests() : SearchStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the command-receipt contract.</summary>
public sealed class SqliteCommandReceiptContractTests() : CommandReceiptStoreContractTests(new SqliteContractStores());
public sealed class SqliteHookContractTests() : HookStoreContractTests(new SqliteContractStores());

/// <summary>The SQLite store against the keyed-event contract.</summary>
public sealed class SqliteKeyedEventContractTests() : KeyedEventStoreContractTests(new SqliteContractStores());
