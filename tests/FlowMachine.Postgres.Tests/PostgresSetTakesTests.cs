using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// A commit batch's takes as the store sends them: the keys whose takes cannot bind go in one set statement
/// (hand-overs and fresh slots together), every other take after it through <c>limit_take_each</c> in the batch's
/// order, and each transition gets the answer it would get one take after another.
/// </summary>
public sealed class PostgresSetTakesTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const long Now = 100_000;
    private const long Expires = 200_000;

    [PostgresFact]
    public async Task Keys_that_cannot_bind_go_together_and_the_others_keep_the_batch_order_and_the_limits()
    {
        var connection = await PostgresSchemas.OpenCurrentAsync(db);
        await using (connection)
        {
            // k (limit 3): A and D hold one each. m (limit 1): C holds it. q (limit 2): F holds one. The rate key r has
            // spent its one token of the window.
            await PostgresSchemas.ExecuteAsync(connection, """
                INSERT INTO limit_slots (key, flow_id, step_key, owner, expires_at) VALUES
                    ('k', 'A', 'a1', 'o', 150000), ('k', 'D', 'd1', 'o', 150000), ('m', 'C', 'c1', 'o', 150000), ('q', 'F', 'f1', 'o', 150000);
                INSERT INTO rate_buckets (key, base, ends, cum) VALUES ('r', 0, '{99990}', '{1}');
                """);

            // k: A and D hand over, E asks anew: 2 held + 1 new fit the limit, so all three go in the set statement.
            // m: C asks its token first (refused), so its slot of m is freed, one by one. q: F hands over, G and H ask
            // anew: 1 + 2 would pass the limit 2, so q goes one by one in the batch's order: F and G get one, H waits.
            FlowTransition[] transitions =
            [
                Taking("A", "a2", "k", 3, "a1"),
                Taking("C", "c2", "m", 1, "c1", rateFirst: true),
                Taking("D", "d2", "k", 3, "d1"),
                Taking("E", "e1", "k", 3, null),
                Taking("F", "f2", "q", 2, "f1"),
                Taking("G", "g1", "q", 2, null),
                Taking("H", "h1", "q", 2, null),
            ];
            var (requests, took) = await TakeBatches.RunAsync(connection, transitions);

            // The ordinals of the asks the set statement took: A's, D's and E's (k), none of q.
            Assert.Equal("{1,4,5}", took);

            Assert.Equal(
                ["A 1 -", "C 0 100990", "D 1 -", "E 1 -", "F 1 -", "G 1 -", "H 0 -"],
                TakeBatches.Answers(requests));
            Assert.Equal(
                [$"k A 0 a2 o2 {Expires}", $"k D 0 d2 o2 {Expires}", $"k E 0 e1 o2 {Expires}", $"q F 0 f2 o2 {Expires}", $"q G 0 g1 o2 {Expires}"],
                await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, n, step_key, owner, expires_at FROM limit_slots ORDER BY 1, 2, 3"));
            Assert.Equal([$"q H {Now} 2"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, since, lim FROM limit_waiters ORDER BY 1, 2"));
            Assert.Equal(["r 0 {99990} {1}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, base, ends::text, cum::text FROM rate_buckets"));
        }
    }

    private static FlowTransition Taking(string flow, string step, string key, int limit, string? from, bool rateFirst = false)
    {
        var slot = new LimitAsk(key, limit, null);
        var row = new FlowRecord
        {
            Id = flow, SpecJson = "{}", State = FlowState.Running, Input = new JsonObject(), Data = new JsonObject(),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(0), UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Now),
        };
        return new FlowTransition
        {
            LeaseOwner = "o2",
            Flow = row,
            ReleasedSlots = from is null ? [] : [new LimitSlot(key, from)],
            LimitTakes = [new LimitTake(step, rateFirst ? [new LimitAsk("r", 1, TimeSpan.FromSeconds(1)), slot] : [slot])],
            SlotsExpireAt = DateTimeOffset.FromUnixTimeMilliseconds(Expires),
        };
    }
}
