using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>PostgreSQL stores for the store conformance suite: one database per class, one schema per store.</summary>
public sealed class PostgresContractStores(TestDatabase db) : ContractStores
{
    public override ValueTask<IFlowStore> CreateStoreAsync() =>
        ValueTask.FromResult<IFlowStore>(new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() }));
}

/// <summary>The PostgreSQL store against the runtime contract, and its group commit's multi-row statements.</summary>
public sealed class PostgresRuntimeContractTests(TestDatabase db) : RuntimeStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Concurrent_commits_go_as_multi_row_statements()
    {
        // The conformance check above, and proof that the batch took the multi-row path rather than one statement per commit.
        var (store, commits) = await CommitManyAtOnceAsync(flows: 40);
        Assert.All(commits, c => Assert.True(c.IsCompletedSuccessfully, $"a commit failed: {c.Exception}"));
        var postgres = (PostgresFlowStore)store;
        Assert.True(postgres.CommitBatchesTogether >= 1, $"no batch went together ({postgres.CommitTransactions} transactions for {postgres.CommitRequests} commits)");
        Assert.True(postgres.CommitTransactions < postgres.CommitRequests);
    }
}

/// <summary>The PostgreSQL store against the read-only contract.</summary>
public sealed class PostgresQueryContractTests(TestDatabase db) : QueryStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the routine contract.</summary>
public sealed class PostgresRoutineContractTests(TestDatabase db) : RoutineStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the resume-token contract.</summary>
public sealed class PostgresResumeTokenContractTests(TestDatabase db) : ResumeTokenStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the schedule contract.</summary>
public sealed class PostgresScheduleContractTests(TestDatabase db) : ScheduleStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the retention contract.</summary>
public sealed class PostgresRetentionContractTests(TestDatabase db) : RetentionStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the search contract (tags, attributes, list filters).</summary>
public sealed class PostgresSearchContractTests(TestDatabase db) : SearchStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the command-receipt contract.</summary>
public sealed class PostgresCommandReceiptContractTests(TestDatabase db) : CommandReceiptStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
public sealed class PostgresHookContractTests(TestDatabase db) : HookStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;

/// <summary>The PostgreSQL store against the keyed-event contract.</summary>
public sealed class PostgresKeyedEventContractTests(TestDatabase db) : KeyedEventStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
