using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// The rate tokens of a commit batch whose buckets cannot run dry within it, in one plain statement: every token ask
/// of such a key is granted together, one token row each, as <c>rate_take_locked</c> would grant them one by one. A key
/// goes this way only when nothing of the batch can tell the order apart: each of its asks is the first of its take (no
/// refusal before it); no token of the key is later than the batch's first time of it; and the key's tokens within the
/// widest window the batch asks for, counted by their ids (an upper bound, as <c>rate_take_locked</c> counts them), plus
/// the new ones stay within the smallest limit asked. Every other ask goes through <c>limit_take_each</c> after it, in
/// the batch's order (<see cref="PostgresLimitTakes"/>). The batch's asks are in time order, so the tokens are too.
/// </summary>
internal static class PostgresSetRates
{
    private const string Took = "coalesce(array_agg(ord), '{}')";

    // Tokens out of their window go with every 64th token taken, as rate_take_locked does (they count no more either way).
    private const string Sql =
        "WITH c AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[], $7::bigint[]) " +
        "AS c (ord, of_, take, key, lim, per, now_)), " +
        "k AS (SELECT c.key, min(c.lim) AS lim, max(c.per) AS per, min(c.now_) AS first_now, count(*) AS n FROM c GROUP BY c.key), " +
        "ok AS (SELECT k.key, k.per, k.first_now FROM k " +
        "LEFT JOIN LATERAL (SELECT t.taken_at, t.id FROM rate_tokens t WHERE t.key = k.key ORDER BY t.taken_at DESC, t.id DESC LIMIT 1) l ON true " +
        "LEFT JOIN LATERAL (SELECT t.id FROM rate_tokens t WHERE t.key = k.key AND t.taken_at > k.first_now - k.per ORDER BY t.taken_at, t.id LIMIT 1) o ON true " +
        "WHERE (l.taken_at IS NULL OR l.taken_at <= k.first_now) AND coalesce(l.id - o.id + 1, 0) + k.n <= k.lim), " +
        "took AS (SELECT c.* FROM c JOIN ok ON ok.key = c.key), " +
        "ins AS (INSERT INTO rate_tokens (key, taken_at) SELECT took.key, took.now_ FROM took ORDER BY took.ord RETURNING id, key), " +
        "gone AS (DELETE FROM rate_tokens t USING ok WHERE t.key = ok.key AND t.taken_at <= ok.first_now - ok.per " +
        "AND EXISTS (SELECT 1 FROM ins WHERE ins.key = ok.key AND ins.id % 64 = 0)) " +
        "SELECT coalesce(array_agg(of_), '{}') AS " + PostgresSetTakes.TookOfColumn + ", coalesce(array_agg(take), '{}') AS limit_took, " +
        "set_config('" + PostgresSetTakes.TookSetting + "', (@took@)::text, true) FROM took";

    // The setting holds what this statement took, or that and what the slot statement before it in the batch took.
    private static readonly string Alone = Sql.Replace("@took@", Took, StringComparison.Ordinal);

    private static readonly string After = Sql.Replace(
        "@took@", "coalesce(nullif(current_setting('" + PostgresSetTakes.TookSetting + "', true), ''), '{}')::bigint[] || " + Took, StringComparison.Ordinal);

    /// <summary>
    /// The statement that takes the token asks of <paramref name="all"/> whose buckets cannot run dry (one row: the
    /// transitions and takes it took, also in <see cref="PostgresSetTakes.TookSetting"/>, added to what the slot
    /// statement of the same batch took when <paramref name="afterSlots"/>), added to <paramref name="commands"/>; false
    /// when no token ask can go this way.
    /// </summary>
    public static bool TryAdd(List<NpgsqlBatchCommand> commands, TakeArrays all, bool afterSlots)
    {
        var keys = Keys(all);
        if (keys is null)
        {
            return false;
        }

        var chosen = new List<int>();
        for (var j = 0; j < all.Count; j++)
        {
            if (all.Per[j] is not null && keys.Contains(all.Key[j]))
            {
                chosen.Add(j);
            }
        }

        if (!afterSlots)
        {
            commands.Add(Command(PostgresSetTakes.IndexOnlySql)); // the slot statement before sent it
        }

        var cmd = Command(afterSlots ? After : Alone);
        var ps = cmd.Parameters;
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, chosen.Select(j => (long)j + 1).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, chosen.Select(j => all.Of[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, chosen.Select(j => all.Take[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, chosen.Select(j => all.Key[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, chosen.Select(j => all.Limit[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, chosen.Select(j => all.Per[j]!.Value).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, chosen.Select(j => all.Now[j]).ToArray()));
        commands.Add(cmd);
        return true;
    }

    /// <summary>The keys whose token asks in the batch are all the first of their takes, or null when there are none.</summary>
    private static HashSet<string>? Keys(TakeArrays all)
    {
        Dictionary<string, bool>? first = null;
        for (var j = 0; j < all.Count; j++)
        {
            if (all.Per[j] is not null)
            {
                first ??= new Dictionary<string, bool>(StringComparer.Ordinal);
                first[all.Key[j]] = (!first.TryGetValue(all.Key[j], out var before) || before) && all.Ask[j] == 0;
            }
        }

        HashSet<string>? keys = null;
        foreach (var (key, ok) in first ?? [])
        {
            if (ok)
            {
                (keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
            }
        }

        return keys;
    }
}
