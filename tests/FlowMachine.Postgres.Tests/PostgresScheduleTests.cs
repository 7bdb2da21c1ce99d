using System.Diagnostics;
using FlowMachine.Conformance;
using FlowMachine.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>What only the PostgreSQL store's schedules have: the migration that adds them, their indexes, claims from many processes.</summary>
public sealed class PostgresScheduleTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [PostgresFact]
    public async Task A_version_7_schema_keeps_its_flows_and_gains_schedules()
    {
        // Flows as schema version 7 stored them, one waiting to run and one with a routine and a key.
        var schema = await PostgresSchemas.CreateAtVersionAsync(
            db,
            7,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[]}');" +
            "INSERT INTO flows (id, key, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, routine) VALUES " +
            "('due', NULL, 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1500, NULL), " +
            "('keyed', 'k', 'h', 'COMPLETED', 0, '{\"n\":1}', 0, 0, 1100, 1100, NULL, 'r');" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('due', 's', 0, 'noop', 'PENDING', 0);");

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        Assert.Equal(PostgresSchema.Latest, await PostgresSchemas.ReadVersionAsync(db, schema));

        var keyed = (await store.GetFlowByKeyAsync("k", default))!;
        Assert.Equal("keyed", keyed.Id);
        Assert.Equal("""{"n":1}""", keyed.Data.ToJsonString());
        Assert.Equal("""{"tasks":[]}""", keyed.SpecJson);
        Assert.Null(keyed.Schedule);
        Assert.Null(keyed.Slot);
        Assert.Equal(["keyed"], (await store.ListFlowsAsync(new FlowQuery { Routine = "r" }, default)).Items.Select(f => f.Id));
        Assert.Empty((await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, default)).Items);
        var claimed = await store.ClaimDueAsync("w1", 10, DateTimeOffset.FromUnixTimeMilliseconds(2000), Lease, default);
        Assert.Equal("s", Assert.Single(Assert.Single(claimed).Steps).Key);

        // Schedules work at once, and the flows they start are listed by schedule beside the old ones.
        Assert.True(await store.CreateScheduleAsync(Schedule("s"), default));
        var lease = Assert.Single(await store.ClaimDueSchedulesAsync("w1", 10, T0, Lease, default));
        Assert.True(Assert.Single(await store.FireSchedulesAsync([Firing(lease.Schedule.Name, "w1")], default)).Fired);
        Assert.Equal(["f-s"], (await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, default)).Items.Select(f => f.Id));
        Assert.Equal(3, (await store.ListFlowsAsync(new FlowQuery(), default)).Items.Count);
    }

    [PostgresFact]
    public async Task A_schedule_claim_reads_its_own_indexes()
    {
        var schema = db.NewSchema();
        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await PostgresSchemas.ExecuteAsync(connection, $"SET search_path TO \"{schema}\"; SET enable_seqscan = off");
        var text = await PostgresSchemas.ExplainAsync(
            connection,
            PostgresFlowStore.ClaimDueSchedulesSql
                .Replace("@now", "2000::bigint").Replace("@max", "8").Replace("@owner", "'w'").Replace("@expires", "3000"));
        output.WriteLine(text);
        Assert.Contains("schedules_due", text);
        Assert.Contains("schedules_leased", text);
        Assert.Contains("schedules_buffered", text);
    }

    [PostgresFact]
    public async Task Claims_the_next_due_time_and_the_firing_lock_read_indexes_only_on_tables_grown_since_their_last_analyze()
    {
        var schema = db.NewSchema();
        await using (var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema }))
        {
            await store.InitializeAsync(default);
        }

        // Schedules made in bulk and claimed at once: due, leased, leased with the lease run out, buffered behind a running flow.
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await PostgresSchemas.ExecuteAsync(connection, $"SET search_path TO \"{schema}\"; ANALYZE flows; ANALYZE schedules; " +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at) " +
            "SELECT 'f' || g, 'h', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1000 FROM generate_series(1, 5000) AS g; " +
            "INSERT INTO schedules (name, definition_json, paused, next_fire_at, last_flow_id, buffered_slot, lease_owner, lease_expires_at, created_at, updated_at) " +
            "SELECT 's' || g, '{}', g % 7 = 0, 1000 + g, 'f' || g, CASE WHEN g % 5 = 0 THEN 900 END, " +
            "CASE WHEN g % 3 = 0 THEN 'w' END, CASE WHEN g % 3 = 0 THEN 1500 + g END, 1000, 1000 FROM generate_series(1, 5000) AS g");

        var claim = PostgresFlowStore.ClaimDueSchedulesSql.Replace("@now", "2000::bigint").Replace("@max", "8").Replace("@owner", "'w2'").Replace("@expires", "9000");
        var lockHeld = PostgresFlowStore.LockHeldSchedulesSql.Replace("@names", "ARRAY['s1', 's2']").Replace("@owners", "ARRAY['w', 'w']");
        foreach (var sql in new[] { claim, PostgresFlowStore.NextScheduleDueSql, lockHeld })
        {
            await using var tx = await connection.BeginTransactionAsync();
            await PostgresSchemas.ExecuteAsync(connection, PostgresQueries.IndexPlansSql, tx);
            var plan = await PostgresSchemas.ExplainAsync(connection, sql, tx);
            output.WriteLine(plan);
            Assert.DoesNotContain("Seq Scan", plan);
            Assert.DoesNotContain("Hash", plan);
            Assert.DoesNotContain("Bitmap", plan);
            await tx.RollbackAsync();
        }
    }

    [PostgresFact]
    public async Task Stores_claiming_at_once_never_lease_one_schedule_twice_and_fire_every_one()
    {
        const int count = 600;
        var schema = db.NewSchema();
        var stores = Enumerable.Range(0, 3).Select(_ => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema })).ToList();
        try
        {
            foreach (var store in stores)
            {
                await store.InitializeAsync(default);
            }

            for (var i = 0; i < count; i += 100)
            {
                await Task.WhenAll(Enumerable.Range(i, 100).Select(n => stores[0].CreateScheduleAsync(Schedule($"s{n:D4}"), default).AsTask()));
            }

            var clock = Stopwatch.StartNew();
            var fired = await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
            {
                var names = new List<string>();
                while (true)
                {
                    var claimed = await store.ClaimDueSchedulesAsync("w" + w, 50, T0, Lease, default);
                    if (claimed.Count == 0)
                    {
                        return names;
                    }

                    var results = await store.FireSchedulesAsync([.. claimed.Select(c => Firing(c.Schedule.Name, "w" + w))], default);
                    Assert.All(results, r => Assert.True(r.Fired && r.Created.Count == 1));
                    names.AddRange(results.Select(r => r.Name));
                }
            })));
            output.WriteLine($"{count} schedules claimed and fired by {stores.Count} stores in {clock.ElapsedMilliseconds} ms");

            var all = fired.SelectMany(n => n).ToList();
            Assert.Equal(count, all.Count);
            Assert.Equal(count, all.Distinct().Count());
            Assert.Equal(count, (await stores[1].CountFlowsByStateAsync(null, default))[FlowState.Pending]);
            Assert.Equal(T0.AddMinutes(1), await stores[2].GetNextScheduleDueAsync(default));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    private static ScheduleRecord Schedule(string name) => ScheduleRows.Schedule(name, T0, T0);

    private static ScheduleFiring Firing(string name, string owner) => ScheduleRows.Firing(name, owner, ScheduleRows.Flow(name, T0, "f-" + name));
}
