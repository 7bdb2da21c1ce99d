using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// The rate tokens of a commit batch whose buckets cannot run dry within it, in one plain statement: every token ask
/// of such a key is granted together, as <c>rate_take_locked</c> would grant them one by one, and the key's row of
/// <c>rate_buckets</c> gets them as one segment ending at the batch's last time of the key (merged into its last
/// segment when both fall in the same 1/64 of the window), its segments out of the window dropped. A key goes this
/// way only when nothing of the batch can tell the order apart: each of its asks is the first of its take (no refusal
/// before it) and asks the same window; no token of the key is later than the batch's first time of it; and the
/// key's tokens within the window at that time plus the new ones stay within the smallest limit asked. Every other
/// ask goes through <c>limit_take_each</c> after it, in the batch's order (<see cref="PostgresLimitTakes"/>).
/// </summary>
internal static class PostgresSetRates
{
    private const string Took = "coalesce(array_agg(ord), '{}')";

    // A key without a row takes as many as its limit; a key with one, as many as its window has room for. keep: the
    // segments kept before the new one, all but the last when the batch's tokens join it (the same 1/64 of the window).
    private const string Sql =
        "WITH c AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[], $7::bigint[]) " +
        "AS c (ord, of_, take, key, lim, per, now_)), " +
        "k AS (SELECT c.key, min(c.lim) AS lim, min(c.per) AS per, min(c.now_) AS first_now, max(c.now_) AS last_now, count(*) AS n FROM c GROUP BY c.key), " +
        "ok AS (SELECT k.*, b.key AS had, b.base, b.ends, b.cum, cardinality(b.ends) AS last, " +
        "cardinality(b.ends) - (b.ends[cardinality(b.ends)] / greatest(k.per / 64, 1) = k.last_now / greatest(k.per / 64, 1))::int AS keep, " +
        "width_bucket(k.last_now - k.per, b.ends) AS gone FROM k LEFT JOIN rate_buckets b ON b.key = k.key " +
        "WHERE (b.key IS NULL AND k.n <= k.lim) OR (b.ends[cardinality(b.ends)] <= k.first_now " +
        "AND b.cum[cardinality(b.cum)] - coalesce(b.cum[width_bucket(k.first_now - k.per, b.ends)], b.base) + k.n <= k.lim)), " +
        "fresh AS (INSERT INTO rate_buckets (key, base, ends, cum) SELECT ok.key, 0, ARRAY[ok.last_now], ARRAY[ok.n] FROM ok WHERE ok.had IS NULL), " +
        "kept AS (UPDATE rate_buckets b SET base = coalesce(ok.cum[ok.gone], ok.base), " +
        "ends = ok.ends[ok.gone + 1 : ok.keep] || ok.last_now, cum = ok.cum[ok.gone + 1 : ok.keep] || (ok.cum[ok.last] + ok.n) " +
        "FROM ok WHERE ok.had IS NOT NULL AND b.key = ok.key), " +
        "took AS (SELECT c.ord, c.of_, c.take FROM c JOIN ok ON ok.key = c.key) " +
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

    /// <summary>The keys whose token asks in the batch are all the first of their takes and of one window, or null.</summary>
    private static HashSet<string>? Keys(TakeArrays all)
    {
        Dictionary<string, (bool Ok, long Per)>? first = null;
        for (var j = 0; j < all.Count; j++)
        {
            if (all.Per[j] is { } per)
            {
                first ??= new Dictionary<string, (bool, long)>(StringComparer.Ordinal);
                var ok = !first.TryGetValue(all.Key[j], out var before) || (before.Ok && before.Per == per);
                first[all.Key[j]] = (ok && all.Ask[j] == 0, per);
            }
        }

        HashSet<string>? keys = null;
        foreach (var (key, (ok, _)) in first ?? [])
        {
            if (ok)
            {
                (keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
            }
        }

        return keys;
    }
}
