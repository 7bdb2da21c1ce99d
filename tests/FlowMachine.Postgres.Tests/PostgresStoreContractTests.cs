using FlowMachine.Conformance;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the store conformance suite: one database per class, one schema per store.</summary>
public sealed class PostgresStoreContractTests(TestDatabase db) : FlowStoreContractTests, IClassFixture<TestDatabase>
{
    protected override ValueTask<IFlowStore> CreateStoreAsync() =>
        ValueTask.FromResult<IFlowStore>(new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = db.NewSchema() }));

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
