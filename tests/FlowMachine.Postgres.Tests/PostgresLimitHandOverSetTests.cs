namespace FlowMachine.Postgres.Tests;

/// <summary>
/// One call of the schema's <c>limit_take_all</c> (migration 27: a commit batch's takes as a process of that version
/// sends them; the store now sends PostgresSetTakes and <c>limit_take_each</c> itself) that mixes the hand-overs the
/// schema moves in one statement with hand-overs, refusals and fresh takes that go one by one: every take gets what
/// it gets in the batch's order, a refusal ends only its own step's take, and no key ends above its limit.
/// </summary>
public sealed class PostgresLimitHandOverSetTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const long Now = 100_000;
    private const long Expires = 200_000;

    [PostgresFact]
    public async Task A_batch_mixing_hand_overs_that_pass_and_fail_keeps_the_batch_order_and_the_limits()
    {
        var connection = await PostgresSchemas.OpenCurrentAsync(db);
        await using (connection)
        {
            // Key k (limit 3) is full: A, B and D hold a slot. B also waits for one more (a parallel step) and so
            // does W, behind it. C holds m's only slot; the rate key r has spent its one token of the window.
            await PostgresSchemas.ExecuteAsync(connection, """
                INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at)
                SELECT id, 'x', 'running', 0, '{}', 0, 0, 0, 0, CASE WHEN id = 'W' THEN 500000 END FROM unnest(ARRAY['A','B','C','D','E','W']) AS id;
                INSERT INTO limit_slots (key, flow_id, step_key, owner, expires_at) VALUES
                    ('k', 'A', 'a1', 'o', 150000), ('k', 'B', 'b1', 'o', 150000), ('k', 'D', 'd1', 'o', 150000), ('m', 'C', 'c1', 'o', 150000);
                INSERT INTO limit_waiters (key, flow_id, since, lim) VALUES ('k', 'B', 1, 3), ('k', 'W', 2, 3);
                INSERT INTO rate_buckets (key, base, ends, cum) VALUES ('r', 0, '{99990}', '{1}');
                """);

            // 1: A's hand-over a1 -> a2, in the one statement. 2: B's (b1 -> b2) cannot go there (B waits on k): it
            // frees b1, which wakes W (B is running), and takes a slot anew. 3: C's token is refused, so C's slot of m
            // that its step would have taken over is freed instead. 4: D's hand-over, in the one statement. 5: E asks k
            // anew and finds it full: E waits.
            var rows = await PostgresSchemas.ReadRowsAsync(connection, """
                SELECT limit_take_of, limit_take, granted, token_back FROM limit_take_all(
                    ARRAY[1, 2, 3, 3, 4, 5], ARRAY[0, 0, 0, 0, 0, 0], ARRAY['A', 'B', 'C', 'C', 'D', 'E'], ARRAY['a2', 'b2', 'c2', 'c2', 'd2', 'e1'],
                    ARRAY['o2', 'o2', 'o2', 'o2', 'o2', 'o2'], ARRAY['k', 'k', 'r', 'm', 'k', 'k'], ARRAY[3, 3, 1, 1, 3, 3],
                    ARRAY[NULL, NULL, 1000, NULL, NULL, NULL]::bigint[], ARRAY['a1', 'b1', NULL, 'c1', 'd1', NULL],
                    ARRAY[100000, 100000, 100000, 100000, 100000, 100000]::bigint[], ARRAY[200000, 200000, 200000, 200000, 200000, 200000]::bigint[], 'ch')
                ORDER BY 1, 2
                """);
            Assert.Equal(["1 0 1 -", "2 0 1 -", "3 0 0 100990", "4 0 1 -", "5 0 0 -"], rows);

            Assert.Equal(
                [$"k A a2 o2 {Expires}", $"k B b2 o2 {Expires}", $"k D d2 o2 {Expires}"],
                await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, step_key, owner, expires_at FROM limit_slots ORDER BY 1, 2, 3"));
            Assert.Equal(["k E 100000 3"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, since, lim FROM limit_waiters ORDER BY 1, 2"));
            Assert.Equal([$"W {Now}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT id, next_run_at FROM flows WHERE next_run_at IS NOT NULL"));
            Assert.Equal(["r 0 {99990} {1}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, base, ends::text, cum::text FROM rate_buckets"));
        }
    }
}
