using FlowMachine.Storage;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>Migrations: they run under an advisory lock (stores starting at once on an empty database all come up), and each keeps the data of the version before.</summary>
public sealed class MigrationLockTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task Two_stores_initializing_at_once_on_an_empty_database_both_come_up()
    {
        for (var round = 0; round < 5; round++)
        {
            var schema = db.NewSchema();
            var stores = Enumerable.Range(0, 2).Select(_ => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema })).ToList();
            try
            {
                using var go = new Barrier(2);
                await Task.WhenAll(stores.Select(s => Task.Run(async () =>
                {
                    go.SignalAndWait();
                    await s.InitializeAsync(default);
                })));

                // Both work, on one schema at the latest version.
                foreach (var store in stores)
                {
                    Assert.Empty(await store.ListRoutinesAsync(default));
                }

                await using var connection = new NpgsqlConnection(db.ConnectionString);
                await connection.OpenAsync();
                await using var cmd = new NpgsqlCommand($"SELECT array_agg(version) FROM \"{schema}\".schema_version", connection);
                Assert.Equal([PostgresSchema.Latest], (int[])(await cmd.ExecuteScalarAsync())!);
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }
        }
    }

    [PostgresFact]
    public async Task A_version_4_schema_loses_the_foreign_keys_from_a_flows_rows_and_keeps_its_flows()
    {
        // The schema as version 4 left it, with a flow, its step and its history in it.
        var schema = await PostgresSchemas.CreateAtVersionAsync(
            db,
            4,
            "INSERT INTO flows (id, spec_json, state, position, data, parent_child_index, generation, created_at, updated_at) " +
            "VALUES ('f', '{}', 'PENDING', 0, '{}', 0, 0, 1, 1);" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('f', 's', 0, 'noop', 'PENDING', 0);" +
            "INSERT INTO history (flow_id, seq, at, kind) VALUES ('f', 1, 1, 'created');");
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var keys = new NpgsqlCommand($"SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = '\"{schema}\"'::regnamespace", connection);
            Assert.Equal(5L, (long)(await keys.ExecuteScalarAsync())!); // steps, history, commands, events; api_keys
        }

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        Assert.Equal("s", Assert.Single(await store.GetStepsAsync("f", default)).Key);
        Assert.Single(await store.GetHistoryAsync("f", 0, 10, default));
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var keys = new NpgsqlCommand(
                $"SELECT string_agg(conrelid::regclass::text, ',') FROM pg_constraint WHERE contype = 'f' AND connamespace = '\"{schema}\"'::regnamespace",
                connection);
            Assert.EndsWith("api_keys", (string)(await keys.ExecuteScalarAsync())!); // a key's user is still checked
        }

        // What the keys guarded still holds: input for a flow that does not exist is refused.
        Assert.False(await store.EnqueueCommandAsync("missing", "cancel", null, null, null, DateTimeOffset.UnixEpoch, default));
        Assert.False(await store.AddEventAsync("missing", "paid", null, DateTimeOffset.UnixEpoch, default));
    }

    [PostgresFact]
    public async Task A_version_5_schema_claims_due_and_expired_flows_as_before_from_indexes_of_their_own()
    {
        // Flows as schema version 5 stored them: due, held, held with the lease run out, waiting.
        var schema = await PostgresSchemas.CreateAtVersionAsync(
            db,
            5,
            "INSERT INTO flows (id, spec_json, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at) VALUES " +
            "('due', '{}', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1500, NULL, NULL), " +
            "('held', '{}', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1100, 'w1', 9000), " +
            "('expired', '{}', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1200, 'w1', 1900), " +
            "('waiting', '{}', 'WAITING', 0, '{}', 0, 0, 1000, 1000, NULL, NULL, NULL);");

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(2000);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1500), await store.GetNextDueAsync(default)); // "expired" only from 1900
        var claimed = await store.ClaimDueAsync("w2", 10, now, TimeSpan.FromMinutes(5), default);
        Assert.Equal(["expired", "due"], claimed.Select(c => c.Flow.Id));
        Assert.All(claimed, c => Assert.Equal("w2", c.Flow.LeaseOwner));
        Assert.Empty(await store.ClaimDueAsync("w3", 10, now, TimeSpan.FromMinutes(5), default));

        // The claim reads the two partial indexes, not the flows table.
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await PostgresSchemas.ExecuteAsync(connection, $"SET search_path TO \"{schema}\"; SET enable_seqscan = off");
            var sql = PostgresFlowStore.ClaimDueSql.Replace("@now", "2000").Replace("@max", "8").Replace("@owner", "'w'").Replace("@expires", "3000").Replace("@routes", "ARRAY['gpu/t']");
            var text = await PostgresSchemas.ExplainAsync(connection, sql);

            // An index the migration built over rows it had updated is left out of plans until every transaction older
            // than the migration has ended (PostgreSQL's check of broken HOT chains); other tests' transactions on this
            // server may still run. Ask again until they have, for at most 30 s; the plan asserted below is the same.
            for (var waited = 0; waited < 30_000 && !(text.Contains("flows_due") && text.Contains("flows_leased")); waited += 250)
            {
                await Task.Delay(250);
                text = await PostgresSchemas.ExplainAsync(connection, sql);
            }

            Assert.Contains("flows_due", text);
            Assert.Contains("flows_leased", text);
            Assert.DoesNotContain("flows_next_run", text);
        }
    }

    [PostgresFact]
    public async Task A_version_6_schema_keeps_its_flows_when_specs_move_to_their_own_table()
    {
        // A flow as schema version 6 stored it: the spec inside the flow row.
        const string spec = """{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","precursors":["a"]}]}""";
        var schema = await PostgresSchemas.CreateAtVersionAsync(
            db,
            6,
            "INSERT INTO flows (id, key, spec_json, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at) " +
            "VALUES ('old', 'old-key', @spec, 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1000);" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('old', 'a', 0, 'noop', 'PENDING', 0), ('old', 'b', 1, 'noop', 'PENDING', 0);",
            spec);

        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        Assert.Equal(spec, (await store.GetFlowAsync("old", default))!.SpecJson);
        Assert.Equal("old", (await store.GetFlowByKeyAsync("old-key", default))!.Id);

        // New flows with the same text share one stored copy of it; the old flow keeps its own.
        foreach (var id in new[] { "n2", "n3" })
        {
            await store.CreateFlowAsync(
                new NewFlow(new FlowRecord { Id = id, SpecJson = spec, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch }, [], []),
                default);
        }

        Assert.Equal(spec, (await store.GetFlowAsync("n3", default))!.SpecJson);
        Assert.Equal([spec, spec, spec], (await store.ListFlowsAsync(new FlowQuery(), default)).Items.Select(f => f.SpecJson));
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".specs WHERE spec_json = @spec", connection);
            cmd.Parameters.AddWithValue("spec", spec);
            Assert.Equal(2L, (long)(await cmd.ExecuteScalarAsync())!); // the migrated copy and one shared by n2 and n3
        }

        // The migrated flow still runs from its stored spec.
        var claimed = await store.ClaimFlowAsync("old", "w1", DateTimeOffset.FromUnixTimeMilliseconds(2000), TimeSpan.FromMinutes(1), default);
        Assert.Equal(spec, claimed!.Flow.SpecJson);
        Assert.Equal(["a", "b"], claimed.Steps.Select(s => s.Key));
    }

    [PostgresFact]
    public async Task Eight_stores_at_once_and_a_second_start_find_the_schema_ready()
    {
        var schema = db.NewSchema();
        var stores = Enumerable.Range(0, 8).Select(_ => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema })).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitializeAsync(default).AsTask()));
            await stores[0].InitializeAsync(default);
            var saved = await stores[1].SaveRoutineAsync("r", "{}", null, DateTimeOffset.UnixEpoch, default);
            Assert.Equal(saved, await stores[7].GetRoutineAsync("r", null, default));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
