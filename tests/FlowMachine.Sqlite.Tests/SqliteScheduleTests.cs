using FlowMachine.Conformance;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Sqlite.Tests;

/// <summary>What only the SQLite store's schedules have: the migration that adds them, their indexes, one transaction per firing batch.</summary>
public sealed class SqliteScheduleTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_version_5_database_keeps_its_flows_and_gains_schedules()
    {
        // Flows as schema version 5 stored them, one waiting to run and one with a routine and a key.
        var path = temp.PathOf();
        SqliteFiles.CreateAtVersion(
            path,
            5,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[]}');" +
            "INSERT INTO flows (id, key, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, routine) VALUES " +
            "('due', NULL, 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1500, NULL), " +
            "('keyed', 'k', 'h', 'COMPLETED', 0, '{\"n\":1}', 0, 0, 1100, 1100, NULL, 'r');" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('due', 's', 0, 'noop', 'PENDING', 0);");

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));

        var keyed = (await store.GetFlowByKeyAsync("k", CancellationToken.None))!;
        Assert.Equal("keyed", keyed.Id);
        Assert.Equal("""{"n":1}""", keyed.Data.ToJsonString());
        Assert.Null(keyed.Schedule);
        Assert.Null(keyed.Slot);
        Assert.Equal(["keyed"], (await store.ListFlowsAsync(new FlowQuery { Routine = "r" }, CancellationToken.None)).Items.Select(f => f.Id));
        Assert.Empty((await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, CancellationToken.None)).Items);
        var claimed = await store.ClaimDueAsync("w1", 10, DateTimeOffset.FromUnixTimeMilliseconds(2000), Lease, CancellationToken.None);
        Assert.Equal("s", Assert.Single(Assert.Single(claimed).Steps).Key);

        // Schedules work at once, and the flows they start are listed by schedule beside the old ones.
        Assert.True(await store.CreateScheduleAsync(Schedule("s"), CancellationToken.None));
        var lease = Assert.Single(await store.ClaimDueSchedulesAsync("w1", 10, T0, Lease, CancellationToken.None));
        var fired = Assert.Single(await store.FireSchedulesAsync([Firing(lease.Schedule.Name, "w1")], CancellationToken.None));
        Assert.True(fired.Fired);
        Assert.Equal(["f-s"], (await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, CancellationToken.None)).Items.Select(f => f.Id));
        Assert.Equal(3, (await store.ListFlowsAsync(new FlowQuery(), CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task A_schedule_claim_reads_its_own_indexes_and_never_scans_the_schedules()
    {
        var path = temp.PathOf();
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        var plan = SqliteFiles.ClaimPlan(path, SqliteFlowStore.ClaimDueSchedulesSql);
        output.WriteLine(string.Join("\n", plan));
        Assert.Contains(plan, line => line.Contains("USING INDEX schedules_due", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX schedules_leased", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX schedules_buffered", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN s", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN f", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_of_firings_is_one_transaction()
    {
        const int count = 500;
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf() });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            await store.CreateScheduleAsync(Schedule($"s{i:D3}"), CancellationToken.None);
        }

        var claimed = await store.ClaimDueSchedulesAsync("w1", count, T0, Lease, CancellationToken.None);
        Assert.Equal(count, claimed.Count);
        var before = store.WriteTransactions;
        var results = await store.FireSchedulesAsync([.. claimed.Select(c => Firing(c.Schedule.Name, "w1"))], CancellationToken.None);
        Assert.Equal(1, store.WriteTransactions - before);
        Assert.Equal(count, results.Count(r => r.Fired && r.Created.Count == 1));
        Assert.Equal(count, (await store.CountFlowsByStateAsync(null, CancellationToken.None))[FlowState.Pending]);
    }

    private static ScheduleRecord Schedule(string name) => ScheduleRows.Schedule(name, T0, T0);

    private static ScheduleFiring Firing(string name, string owner) => ScheduleRows.Firing(name, owner, ScheduleRows.Flow(name, T0, "f-" + name));
}
