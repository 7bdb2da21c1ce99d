using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// Slots and tokens taken inside the group commit's batches of two stores (two processes' committers) on one
/// database at once: each commit takes two slots of sixteen keys, in either order, and a token. No key ever holds more
/// than its limit, the bucket gives out exactly its limit, and the batches never deadlock (PostgreSQL counts every
/// deadlock it breaks; the store would retry it, hiding it from the commits).
/// </summary>
public sealed class PostgresLimitBatchTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Flows = 64; // per store
    private const int Limit = 3;
    private const int Tokens = 100;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly string[] Keys = [.. Enumerable.Range(0, 16).Select(k => $"k{k:D2}")];

    [PostgresFact]
    public async Task Two_stores_batches_take_slots_and_tokens_at_once_within_their_limits_without_deadlock()
    {
        var schema = db.NewSchema();
        var deadlocksBefore = await DeadlocksAsync();
        var a = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        var b = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        long together;
        await using (a)
        await using (b)
        {
            await a.InitializeAsync(CancellationToken.None);
            await b.InitializeAsync(CancellationToken.None);
            var flows = new List<(PostgresFlowStore Store, string Owner, FlowRecord Row, int N)>();
            for (var i = 0; i < 2 * Flows; i++)
            {
                var (store, owner) = i % 2 == 0 ? (a, "wa") : (b, "wb");
                var id = $"f{i:D3}";
                await store.CreateFlowAsync(NewFlow(id), CancellationToken.None);
                var claimed = await store.ClaimFlowAsync(id, owner, T0, Hour, CancellationToken.None);
                flows.Add((store, owner, claimed!.Flow, i));
            }

            var tokens = 0;
            for (var round = 0; round < 6; round++)
            {
                var at = T0.AddSeconds(round);
                var commits = flows.Select(f => Task.Run(async () => (f, await f.Store.CommitAsync(Taking(f.Owner, f.Row, f.N, round, at), CancellationToken.None)))).ToList();
                var held = new List<(int Flow, LimitSlot Slot)>();
                foreach (var (f, result) in await Task.WhenAll(commits))
                {
                    var (first, second) = KeysOf(f.N, round);
                    var answers = result.LimitsTaken!;
                    Assert.Equal(2, answers.Count);
                    for (var s = 0; s < answers[0].Granted; s++)
                    {
                        held.Add((f.N, new LimitSlot(s == 0 ? first : second, $"s{round}")));
                    }

                    tokens += answers[1].Granted;
                }

                // Every key reached its limit (more flows ask than it allows) and none passed it, as the store counts too.
                foreach (var key in Keys)
                {
                    Assert.Equal(Limit, held.Count(h => h.Slot.Key == key));
                    Assert.Equal(Limit, await a.CountSlotsAsync(key, at, CancellationToken.None));
                }

                // Freed one flow after another, for the next round.
                foreach (var group in held.GroupBy(h => h.Flow))
                {
                    var f = flows[group.Key];
                    await f.Store.CommitAsync(new FlowTransition { LeaseOwner = f.Owner, Flow = Row(f.Row, at), ReleasedSlots = [.. group.Select(h => h.Slot)] }, CancellationToken.None);
                }

                foreach (var key in Keys)
                {
                    Assert.Equal(0, await b.CountSlotsAsync(key, at, CancellationToken.None));
                }
            }

            Assert.Equal(Tokens, tokens);
            together = Math.Min(a.CommitBatchesTogether, b.CommitBatchesTogether);
            output.WriteLine($"batches together: {a.CommitBatchesTogether} and {b.CommitBatchesTogether}; transactions {a.CommitTransactions + b.CommitTransactions} for {a.CommitRequests + b.CommitRequests} commits");
        }

        Assert.True(together > 0, "no batch of several commits formed in one of the stores");
        Assert.Equal(deadlocksBefore, await DeadlocksAsync());
    }

    /// <summary>
    /// Two slots of neighbouring keys: the first store's flows (even) ask k00 k01, k01 k02, ..., k15 k00; the second's (odd)
    /// k15 k14, k14 k13, ..., k00 k15: taken in the order asked, their batches would lock the keys in opposite orders.
    /// </summary>
    private static (string First, string Second) KeysOf(int n, int round)
    {
        var x = (n / 2 + round) % Keys.Length;
        return n % 2 == 0 ? (Keys[x], Keys[(x + 1) % Keys.Length]) : (Keys[Keys.Length - 1 - x], Keys[(2 * Keys.Length - 2 - x) % Keys.Length]);
    }

    private static FlowTransition Taking(string owner, FlowRecord row, int n, int round, DateTimeOffset at)
    {
        var (first, second) = KeysOf(n, round);
        return new FlowTransition
        {
            LeaseOwner = owner,
            Flow = Row(row, at),
            LimitTakes =
            [
                new LimitTake($"s{round}", [new LimitAsk(first, Limit, null), new LimitAsk(second, Limit, null)]),
                new LimitTake($"t{round}", [new LimitAsk("tokens", Tokens, Hour)]),
            ],
            SlotsExpireAt = at + Hour,
        };
    }

    private static FlowRecord Row(FlowRecord claimed, DateTimeOffset at)
    {
        var row = claimed.Clone();
        row.UpdatedAt = at;
        return row;
    }

    private static NewFlow NewFlow(string id)
    {
        var flow = new FlowRecord
        {
            Id = id, SpecJson = """{"tasks":["a"]}""", State = FlowState.Pending, Input = new JsonObject(), Data = new JsonObject(),
            CreatedAt = T0, UpdatedAt = T0, NextRunAt = T0,
        };
        return new NewFlow(flow, [new StepRecord { FlowId = id, Index = 0, Key = "a", TaskType = "noop" }], []);
    }

    /// <summary>The deadlocks PostgreSQL broke in this database, once every other session of it has ended (and reported).</summary>
    private async Task<long> DeadlocksAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var connection = new NpgsqlConnection(db.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            for (var i = 0; i < 100 && await ScalarAsync(connection, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") > 0; i++)
            {
                await Task.Delay(50);
            }

            await ScalarAsync(connection, "SELECT count(*) FROM (SELECT pg_stat_clear_snapshot()) s");
            return await ScalarAsync(connection, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
