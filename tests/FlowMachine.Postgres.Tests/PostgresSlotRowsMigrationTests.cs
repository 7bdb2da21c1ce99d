using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// The migration that keys a slot row by its flow's slot number (not its step): slots held before it are counted,
/// listed, released, expired and ended after it, and a hand-over or a renewal afterwards writes no index (a heap-only update).
/// </summary>
public sealed class PostgresSlotRowsMigrationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const long Now = 100_000;
    private const long Expires = 200_000;

    [PostgresFact]
    public async Task Slots_held_before_the_upgrade_are_still_counted_and_released_after_it()
    {
        // The version before the migration that numbers slots, whichever number it has.
        var before = PostgresSchema.Migrations.ToList().FindIndex(m => m.Contains("limit_slots_28", StringComparison.Ordinal));
        Assert.True(before > 0);

        // Key k (limit 3) is full: A holds two slots (parallel steps a1 and a2), B one until 150000; W waits for one.
        var schema = await PostgresSchemas.CreateAtVersionAsync(db, before, """
            INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at)
            SELECT id, 'x', 'running', 0, '{}', 0, 0, 0, 0, 500000 FROM unnest(ARRAY['A', 'B', 'C', 'W']) AS id;
            INSERT INTO limit_slots (key, flow_id, step_key, owner, expires_at) VALUES
                ('k', 'A', 'a1', 'o', 200000), ('k', 'A', 'a2', 'o', 200000), ('k', 'B', 'b1', 'o', 150000), ('m', 'A', 'a1', 'o', 200000);
            INSERT INTO limit_waiters (key, flow_id, since, lim) VALUES ('k', 'W', 1, 3);
            """);

        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
            var connection = await OpenAsync(schema);
            await using (connection)
            {
                Assert.Equal(["k A 0 a1", "k A 1 a2", "k B 0 b1", "m A 0 a1"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, n, step_key FROM limit_slots ORDER BY 1, 2, 3"));
                Assert.Equal(3, await store.CountSlotsAsync("k", At(Now), CancellationToken.None));
                Assert.Equal(1, await store.CountSlotsAsync("m", At(Now), CancellationToken.None));
                Assert.Equal(
                    [new SlotHolder("A", "a1", "o", At(Expires)), new SlotHolder("A", "a2", "o", At(Expires)), new SlotHolder("B", "b1", "o", At(150_000))],
                    await store.ListSlotHoldersAsync("k", At(Now), CancellationToken.None));

                // Full: C is refused and waits behind W.
                Assert.False(await store.AcquireSlotAsync(new SlotRequest("k", 3, "C", "c1", "o", At(Now), At(Expires)), CancellationToken.None));

                // A's step a2 ends: its slot is freed and W, the oldest waiter, is due now.
                await store.ReleaseSlotsAsync("A", [new LimitSlot("k", "a2")], At(Now), CancellationToken.None);
                Assert.Equal(2, await store.CountSlotsAsync("k", At(Now), CancellationToken.None));
                Assert.Equal([$"W {Now}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT id, next_run_at FROM flows WHERE next_run_at < 500000"));

                // A's next parallel step takes the number a2 left; a second ask of the same step holds no second slot.
                Assert.True(await store.AcquireSlotAsync(new SlotRequest("k", 3, "A", "a3", "o2", At(Now), At(Expires)), CancellationToken.None));
                Assert.True(await store.AcquireSlotAsync(new SlotRequest("k", 3, "A", "a3", "o2", At(Now), At(Expires + 1)), CancellationToken.None));
                Assert.Equal(["k A 0 a1 o", "k A 1 a3 o2", "k B 0 b1 o"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, n, step_key, owner FROM limit_slots WHERE key = 'k' ORDER BY 1, 2, 3"));
                Assert.False(await store.AcquireSlotAsync(new SlotRequest("k", 3, "C", "c1", "o", At(Now), At(Expires)), CancellationToken.None));

                // B's lease is lost: the heartbeat's sweep frees its slot and wakes C.
                Assert.True(await store.ExpireSlotsAsync(At(160_000), CancellationToken.None));
                Assert.Equal(2, await store.CountSlotsAsync("k", At(160_000), CancellationToken.None));
                Assert.Equal(["C 160000", $"W {Now}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT id, next_run_at FROM flows WHERE next_run_at < 500000 ORDER BY 1"));

                // A ends: every slot it held before and after the upgrade goes.
                await PostgresSchemas.ExecuteAsync(connection, "SELECT limit_end('A', 170000, 'ch')");
                Assert.Equal(0, await store.CountSlotsAsync("k", At(170_000), CancellationToken.None));
                Assert.Equal(0, await store.CountSlotsAsync("m", At(170_000), CancellationToken.None));
                Assert.Empty(await PostgresSchemas.ReadRowsAsync(connection, "SELECT * FROM limit_slots"));
            }
        }
    }

    [PostgresFact]
    public async Task A_hand_over_and_a_renewal_change_no_indexed_column()
    {
        var schema = db.NewSchema();
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
            Assert.True(await store.AcquireSlotAsync(new SlotRequest("k", 3, "A", "a1", "o", At(Now), At(Expires)), CancellationToken.None));
        }

        var connection = await OpenAsync(schema);
        await using (connection)
        {
            Assert.Equal(["limit_slots_flow (flow_id)", "limit_slots_pkey (key, flow_id, n)"], await PostgresSchemas.ReadRowsAsync(connection, """
                SELECT c.relname || ' (' || (SELECT string_agg(a.attname, ', ' ORDER BY k.i) FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, i)
                    JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) || ')'
                FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'limit_slots'::regclass ORDER BY 1
                """));

            await using var tx = await connection.BeginTransactionAsync();

            // The batch's hand-over statement (a1 -> a2), then the one-by-one take's (a2 -> a3), then the heartbeat's renewal.
            Assert.Equal(["1 0 1 -"], await PostgresSchemas.ReadRowsAsync(connection, TakeSql("limit_take_all", "a1", "a2"), tx));
            Assert.Equal(["1 0 1 -"], await PostgresSchemas.ReadRowsAsync(connection, TakeSql("limit_take_each", "a2", "a3"), tx));
            await using (var renew = new NpgsqlCommand(PostgresLimits.RenewSql, connection, tx))
            {
                renew.Parameters.Add(new NpgsqlParameter { Value = new[] { "A" }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                renew.Parameters.Add(new NpgsqlParameter { Value = "o2" });
                renew.Parameters.Add(new NpgsqlParameter { Value = Expires + 1000 });
                Assert.Equal(1, await renew.ExecuteNonQueryAsync());
            }

            Assert.Equal([$"k A 0 a3 o2 {Expires + 1000}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, n, step_key, owner, expires_at FROM limit_slots", tx));
            Assert.Equal(["3 3"], await PostgresSchemas.ReadRowsAsync(
                connection, "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE schemaname = current_schema() AND relname = 'limit_slots'", tx));
            await tx.CommitAsync();
        }
    }

    /// <summary>One take of flow A's step <paramref name="to"/> of key k (limit 3), handed over from its step <paramref name="from"/>.</summary>
    private static string TakeSql(string function, string from, string to) =>
        $"SELECT limit_take_of, limit_take, granted, token_back FROM {function}(ARRAY[1], ARRAY[0], ARRAY['A'], ARRAY['{to}'], ARRAY['o2'], ARRAY['k'], " +
        $"ARRAY[3], ARRAY[NULL]::bigint[], ARRAY['{from}'], ARRAY[{Now}]::bigint[], ARRAY[{Expires}]::bigint[], 'ch')";

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private async Task<NpgsqlConnection> OpenAsync(string schema)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { SearchPath = schema }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
