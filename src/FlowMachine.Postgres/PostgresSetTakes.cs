using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// The slot takes of a commit batch that cannot bind, in one plain statement: every slot ask of a key whose
/// takes in the batch all fit within its limit is granted together, a flow's next step taking over the slot its
/// last one frees (a heap-only update: the row's key columns stay) and a flow's first step inserting one. A key
/// goes this way only when nothing of the batch can tell the order apart: each of its asks is the first of its
/// step (no refusal before it), its flow's only one of the key in the batch, and not the step taking back its
/// own slot; no slot of the key expires between the batch's earliest and latest time; no flow of them waits
/// for the key; and the key's held slots plus the new ones stay within the smallest limit asked. Every other
/// slot take (keys that may bind, a hand-over whose slot is gone) goes through <c>limit_take_each</c> after it, in
/// the batch's order, as before (<see cref="PostgresLimitTakes"/>); rate tokens go through <see cref="PostgresSetRates"/>
/// or that function. No PL/pgSQL call on this path.
/// </summary>
internal static class PostgresSetTakes
{
    /// <summary>The transaction's setting that tells the next statement which takes (ordinals) this one took.</summary>
    public const string TookSetting = "flowmachine.took";

    /// <summary>The name of the column that lists the transitions (1-based) of the takes taken here.</summary>
    public const string TookOfColumn = "limit_took_of";

    /// <summary>
    /// Index lookups only (as CommitBatch's joins), for the rest of the transaction: a bitmap scan marks no dead index
    /// entry, and the slots of a key leave many (every hand-over a new version) that each later count would visit again
    /// until a vacuum; a plan made while a table was small would scan it whole once it has grown.
    /// </summary>
    public const string IndexOnlySql = "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)";

    private const string Sql =
        "WITH c AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], " +
        "$10::bigint[], $11::bigint[]) AS c (ord, of_, take, key, flow, step, owner, from_, lim, now_, expires)), " +
        "k AS (SELECT c.key, min(c.lim) AS lim, min(c.now_) AS first_now, max(c.now_) AS last_now, count(*) FILTER (WHERE c.from_ IS NULL) AS fresh, " +
        "bool_and(NOT EXISTS (SELECT 1 FROM limit_waiters w WHERE w.key = c.key AND w.flow_id = c.flow) AND CASE WHEN c.from_ IS NULL " +
        "THEN NOT EXISTS (SELECT 1 FROM limit_slots s WHERE s.key = c.key AND s.flow_id = c.flow) " +
        "ELSE EXISTS (SELECT 1 FROM limit_slots s WHERE s.key = c.key AND s.flow_id = c.flow AND s.step_key = c.from_ AND s.expires_at > c.now_) " +
        "AND NOT EXISTS (SELECT 1 FROM limit_slots s WHERE s.key = c.key AND s.flow_id = c.flow AND s.step_key = c.step) END) AS fits " +
        "FROM c GROUP BY c.key), " +
        "ok AS (SELECT c.* FROM k CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE s.expires_at > k.last_now) AS held, " +
        "count(*) FILTER (WHERE s.expires_at > k.first_now AND s.expires_at <= k.last_now) AS expiring FROM limit_slots s WHERE s.key = k.key) ks " +
        "JOIN c ON c.key = k.key WHERE k.fits AND ks.expiring = 0 AND ks.held + k.fresh <= k.lim), " +
        "handed AS (UPDATE limit_slots s SET step_key = ok.step, owner = ok.owner, expires_at = ok.expires FROM ok " +
        "WHERE ok.from_ IS NOT NULL AND s.key = ok.key AND s.flow_id = ok.flow AND s.step_key = ok.from_ AND s.expires_at > ok.now_ " +
        "RETURNING ok.ord, ok.of_, ok.take), " +
        "fresh AS (INSERT INTO limit_slots (key, flow_id, n, step_key, owner, expires_at) " +
        "SELECT ok.key, ok.flow, 0, ok.step, ok.owner, ok.expires FROM ok WHERE ok.from_ IS NULL), " +
        "took AS (SELECT ord, of_, take FROM handed UNION ALL SELECT ord, of_, take FROM ok WHERE ok.from_ IS NULL) " +
        "SELECT coalesce(array_agg(of_), '{}') AS " + TookOfColumn + ", coalesce(array_agg(take), '{}') AS limit_took, " +
        "set_config('" + TookSetting + "', coalesce(array_agg(ord), '{}')::text, true) FROM took";

    /// <summary>
    /// The statements that take the slot asks of <paramref name="all"/> that cannot bind (one row: the transitions and
    /// takes it took, also left in <see cref="TookSetting"/>), added to <paramref name="commands"/>; false when none can
    /// go this way.
    /// </summary>
    public static bool TryAdd(List<NpgsqlBatchCommand> commands, TakeArrays all)
    {
        var keys = Keys(all);
        if (keys is null)
        {
            return false;
        }

        var cmd = Command(Sql);
        var chosen = new List<int>();
        for (var j = 0; j < all.Count; j++)
        {
            if (all.Per[j] is null && keys.Contains(all.Key[j]))
            {
                chosen.Add(j);
            }
        }

        var ps = cmd.Parameters;
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, chosen.Select(j => (long)j + 1).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, chosen.Select(j => all.Of[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, chosen.Select(j => all.Take[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, chosen.Select(j => all.Key[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, chosen.Select(j => all.Flow[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, chosen.Select(j => all.Step[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, chosen.Select(j => all.Owner[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, chosen.Select(j => all.From[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, chosen.Select(j => all.Limit[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, chosen.Select(j => all.Now[j]).ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, chosen.Select(j => all.Expires[j]).ToArray()));
        commands.Add(Command(IndexOnlySql));
        commands.Add(cmd);
        return true;
    }

    /// <summary>The keys whose slot asks in the batch may all go together (the checks the batch alone can make), or null.</summary>
    private static HashSet<string>? Keys(TakeArrays all)
    {
        Dictionary<string, bool>? fits = null;
        Dictionary<string, (long FirstExpiry, long LastNow)>? times = null;
        HashSet<(string, string)>? asked = null;
        for (var j = 0; j < all.Count; j++)
        {
            if (all.Per[j] is not null)
            {
                continue;
            }

            var key = all.Key[j];
            fits ??= new Dictionary<string, bool>(StringComparer.Ordinal);
            times ??= new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            var ok = all.Ask[j] == 0 && !string.Equals(all.From[j], all.Step[j], StringComparison.Ordinal) && (asked ??= []).Add((key, all.Flow[j]));
            fits[key] = (!fits.TryGetValue(key, out var before) || before) && ok;
            times[key] = times.TryGetValue(key, out var t) ? (Math.Min(t.FirstExpiry, all.Expires[j]), Math.Max(t.LastNow, all.Now[j])) : (all.Expires[j], all.Now[j]);
        }

        HashSet<string>? keys = null;
        foreach (var (key, ok) in fits ?? [])
        {
            if (ok && times![key] is var (firstExpiry, lastNow) && firstExpiry > lastNow)
            {
                (keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
            }
        }

        return keys;
    }
}
