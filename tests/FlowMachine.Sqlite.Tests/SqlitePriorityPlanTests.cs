using Xunit.Abstractions;

namespace FlowMachine.Sqlite.Tests;

/// <summary>Claims by priority read index heads only: flows_due for priority 0, flows_due_ranked for the others.</summary>
public sealed class SqlitePriorityPlanTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Each_part_of_a_claim_reads_its_own_index_and_none_scans_or_sorts_the_flows()
    {
        var path = temp.PathOf();
        await using (var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path }))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        var plan = SqliteFiles.ClaimPlan(path, SqliteFlowStore.ClaimDueSql);
        output.WriteLine(string.Join("\n", plan));
        Assert.Contains(plan, line => line.Contains("USING INDEX flows_due (next_run_at<?)", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX flows_due_ranked (priority>?)", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX flows_due_ranked (priority<?)", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX flows_leased", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN flows", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal));

        // Only the few rows of expired leases and the picked rows are sorted; the due parts come in index order.
        Assert.Equal(2, plan.Count(line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal)));
    }
}
