using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// A commit batch's rate tokens as the store sends them: the tokens of buckets that cannot run dry within the batch
/// go in one set statement, every other ask after it through <c>limit_take_each</c> in the batch's order, and each
/// transition gets the answer it would get one token after another; and the tokens taken before the upgrade that
/// keeps a key's tokens in one row count after it.
/// </summary>
public sealed class PostgresSetRatesTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const long Now = 100_000;

    [PostgresFact]
    public async Task Buckets_that_cannot_run_dry_go_together_and_the_others_keep_the_batch_order_and_the_limits()
    {
        var connection = await PostgresSchemas.OpenCurrentAsync(db);
        await using (connection)
        {
            // r1 (3 a second): one token in the window and one long out of it. r2 (2 a second): one in the window.
            // r3: a token taken for a later time than the batch's. r5 (5 a second): one token in the same 1/64 of the
            // window as the batch's (15 ms: 100065 and 100070 both in the 6671st).
            await PostgresSchemas.ExecuteAsync(connection, """
                INSERT INTO rate_buckets (key, base, ends, cum) VALUES
                    ('r1', 0, '{98000,99500}', '{1,2}'), ('r2', 0, '{99900}', '{1}'), ('r3', 0, '{100500}', '{1}'), ('r5', 0, '{100065}', '{1}');
                """);

            // r1: A and B ask: 1 + 2 fit the limit 3, so both go in the set statement. r2: C, D and E ask: 1 + 3 would
            // pass the limit 2, so r2 goes one by one: C gets one, D and E are sent back to when C's elder leaves the
            // window. r3: F is sent back to the later token's time. r4: G asks it after a slot, so one by one: granted.
            // r5: H's token joins the key's last segment, in one statement.
            FlowTransition[] transitions =
            [
                Taking("A", 0, ("r1", 3)),
                Taking("C", 1, ("r2", 2)),
                Taking("B", 2, ("r1", 3)),
                Taking("D", 3, ("r2", 2)),
                Taking("E", 4, ("r2", 2)),
                Taking("F", 5, ("r3", 1)),
                Taking("G", 6, ("k", 5), ("r4", 1)),
                Taking("H", 7, ("r5", 5)),
            ];
            var (requests, took) = await TakeBatches.RunAsync(connection, transitions);

            // The ordinals the set statements took: G's slot (7, the slot statement's) and A's, B's and H's tokens.
            Assert.Equal("{1,3,7,9}", took);

            Assert.Equal(
                ["A 1 -", "C 1 -", "B 1 -", "D 0 100900", "E 0 100900", "F 0 100500", "G 2 -", "H 1 -"],
                TakeBatches.Answers(requests));
            // r1: A's and B's tokens one segment at B's time, the segment out of the window dropped (base: the count
            // before the window). r2: C's token a segment of its own. r5: H's merged into the last segment.
            Assert.Equal(
                ["r1 1 {99500,100020} {2,4}", "r2 0 {99900,100010} {1,2}", "r3 0 {100500} {1}", "r4 0 {100060} {1}", "r5 0 {100070} {2}"],
                await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, base, ends::text, cum::text FROM rate_buckets ORDER BY 1"));
            Assert.Equal(["k G 0 g1 o2 200000"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, flow_id, n, step_key, owner, expires_at FROM limit_slots"));
        }
    }

    [PostgresFact]
    public async Task Tokens_taken_before_the_upgrade_count_after_it()
    {
        // The version before the migration that keeps a key's tokens in one row, whichever number it has.
        var before = PostgresSchema.Migrations.ToList().FindIndex(m => m.Contains("CREATE TABLE rate_buckets", StringComparison.Ordinal));
        Assert.True(before > 0);
        var schema = await PostgresSchemas.CreateAtVersionAsync(db, before, """
            INSERT INTO rate_tokens (key, taken_at) VALUES ('a', 99000), ('a', 99500), ('a', 99500), ('b', 7);
            """);
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { SearchPath = schema }.ConnectionString);
            await connection.OpenAsync();
            await using (connection)
            {
                Assert.Equal(["a 0 {99000,99500} {1,3}", "b 0 {7} {1}"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT key, base, ends::text, cum::text FROM rate_buckets ORDER BY 1"));
                Assert.Equal(["0"], await PostgresSchemas.ReadRowsAsync(connection, "SELECT count(*) FROM rate_tokens"));
            }

            // a allows 3 a second: its three tokens fill the window until the first leaves it, at 100000.
            var at = DateTimeOffset.FromUnixTimeMilliseconds(99_800);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(100_000), await store.TakeTokenAsync("a", 3, TimeSpan.FromSeconds(1), at, CancellationToken.None));
            Assert.Null(await store.TakeTokenAsync("a", 3, TimeSpan.FromSeconds(1), at.AddMilliseconds(200), CancellationToken.None));
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(100_500), await store.TakeTokenAsync("a", 3, TimeSpan.FromSeconds(1), at.AddMilliseconds(300), CancellationToken.None));
        }
    }

    // A transition at Now + 10 × at that starts one step whose take asks the given keys in order: a slot when the key
    // is k, else a token of a one-second window.
    private static FlowTransition Taking(string flow, int at, params (string Key, int Limit)[] asks)
    {
        var row = new FlowRecord
        {
            Id = flow, SpecJson = "{}", State = FlowState.Running, Input = new JsonObject(), Data = new JsonObject(),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(0), UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Now + (10 * at)),
        };
        return new FlowTransition
        {
            LeaseOwner = "o2",
            Flow = row,
            LimitTakes = [new LimitTake(flow.ToLowerInvariant() + "1", [.. asks.Select(a => new LimitAsk(a.Key, a.Limit, a.Key == "k" ? null : TimeSpan.FromSeconds(1)))])],
            SlotsExpireAt = DateTimeOffset.FromUnixTimeMilliseconds(200_000),
        };
    }
}
