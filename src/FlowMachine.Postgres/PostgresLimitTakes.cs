using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// The slots and tokens the steps a commit starts take in the commit's transaction (<see cref="FlowTransition.LimitTakes"/>):
/// the batch's per-key locks as its first statement; after the slots the batch frees, the slot takes that cannot bind
/// (<see cref="PostgresSetTakes"/>) and the tokens of buckets that cannot run dry (<see cref="PostgresSetRates"/>) in
/// plain statements, and every other take through <c>limit_take_each</c>.
/// </summary>
internal static class PostgresLimitTakes
{
    /// <summary>The name of the column that says which transition of the batch (1-based) a take row answers.</summary>
    public const string TakeOfColumn = "limit_take_of";

    // The sorted lock ids materialized first, so that the locks are taken in their order (as limit_lock does, without its call).
    private const string LockSql =
        "SELECT count(pg_advisory_xact_lock(h.id)) FROM (WITH h AS MATERIALIZED (SELECT DISTINCT hashtextextended(current_schema() || n, 0) AS id " +
        "FROM unnest($1::text[]) AS n ORDER BY 1) SELECT id FROM h) h";

    private const string Arrays =
        "$1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[]";

    private const string TakeSql = "SELECT * FROM limit_take_each(" + Arrays + ", $12)";

    // The takes the set statement before did not take (its ordinals in flowmachine.took), if any, in the batch's order.
    private const string RestSql =
        "SELECT e.* FROM (SELECT array_agg(of_ ORDER BY ord) AS of_, array_agg(take ORDER BY ord) AS take, array_agg(flow ORDER BY ord) AS flow, " +
        "array_agg(step ORDER BY ord) AS step, array_agg(owner ORDER BY ord) AS owner, array_agg(key ORDER BY ord) AS key, array_agg(lim ORDER BY ord) AS lim, " +
        "array_agg(per ORDER BY ord) AS per, array_agg(from_ ORDER BY ord) AS from_, array_agg(now_ ORDER BY ord) AS now_, " +
        "array_agg(expires ORDER BY ord) AS expires FROM unnest(" + Arrays + ") WITH ORDINALITY AS u (of_, take, flow, step, owner, key, lim, per, from_, now_, expires, ord) " +
        "WHERE NOT (u.ord = ANY (coalesce(nullif(current_setting('" + PostgresSetTakes.TookSetting + "', true), ''), '{}')::bigint[])) HAVING count(*) > 0) a " +
        "CROSS JOIN LATERAL limit_take_each(a.of_, a.take, a.flow, a.step, a.owner, a.key, a.lim, a.per, a.from_, a.now_, a.expires, $12) e";

    /// <summary>
    /// The advisory locks of every key the transitions take from, the lock names of <c>limit_acquire</c> and
    /// <c>rate_take</c>; sent before any statement that locks a row. Null when none takes any.
    /// </summary>
    public static NpgsqlBatchCommand? Lock(IReadOnlyList<FlowTransition> transitions)
    {
        List<string>? names = null;
        foreach (var t in transitions)
        {
            foreach (var take in t.LimitTakes)
            {
                foreach (var ask in take.Asks)
                {
                    (names ??= []).Add((ask.Per is null ? ":slot:" : ":rate:") + ask.Key);
                }
            }
        }

        if (names is null)
        {
            return null;
        }

        var cmd = Command(LockSql);
        cmd.Parameters.Add(CommitBatch.Array(NpgsqlDbType.Text, names.ToArray()));
        return cmd;
    }

    /// <summary>
    /// Every take of the transitions, added to <paramref name="commands"/>: the set statements for those that cannot
    /// bind, when there are any, then <c>limit_take_each</c> for the rest (and for any the set statements left). Takes go
    /// in the order of their commit's time, so that a token taken for a later round does not send an earlier one back
    /// to wait.
    /// </summary>
    public static void AddTakes(List<NpgsqlBatchCommand> commands, IReadOnlyList<FlowTransition> transitions, string channel)
    {
        List<int>? order = null;
        for (var i = 0; i < transitions.Count; i++)
        {
            if (transitions[i].LimitTakes.Count > 0)
            {
                (order ??= []).Add(i);
            }
        }

        if (order is null)
        {
            return;
        }

        order.Sort((a, b) => transitions[a].Flow.UpdatedAt.CompareTo(transitions[b].Flow.UpdatedAt) is var c and not 0 ? c : a.CompareTo(b));
        var all = new TakeArrays();
        foreach (var i in order)
        {
            var t = transitions[i];
            var (handOvers, _) = LimitTakes.HandOvers(t);
            for (var k = 0; k < t.LimitTakes.Count; k++)
            {
                var take = t.LimitTakes[k];
                for (var a = 0; a < take.Asks.Count; a++)
                {
                    var ask = take.Asks[a];
                    all.Add(i + 1, k, a, t.Flow.Id, take.StepKey, t.LeaseOwner, ask.Key, ask.Limit, ask.Per is { } p ? (long)p.TotalMilliseconds : null,
                        handOvers?[k][a]?.StepKey, Ms(t.Flow.UpdatedAt), Ms(t.SlotsExpireAt));
                }
            }
        }

        var slots = PostgresSetTakes.TryAdd(commands, all);
        var set = PostgresSetRates.TryAdd(commands, all, afterSlots: slots) | slots;
        var cmd = Command(set ? RestSql : TakeSql);
        var ps = cmd.Parameters;
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, all.Of.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, all.Take.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, all.Flow.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, all.Step.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, all.Owner.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, all.Key.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, all.Limit.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, all.Per.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, all.From.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, all.Now.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, all.Expires.ToArray()));
        ps.Add(P(Positional, channel));
        commands.Add(cmd);
    }

    /// <summary>
    /// Reads the take rows at the reader's current result (when it holds them) into the requests they answer:
    /// <paramref name="requestOf"/> maps the row's 1-based transition number to its request. A take answered in two
    /// parts (its first ask by a set statement, the others by <c>limit_take_each</c>) adds them up.
    /// </summary>
    public static async ValueTask<bool> TryReadAsync(NpgsqlDataReader reader, Func<int, CommitRequest> requestOf, CancellationToken cancellationToken)
    {
        if (reader.FieldCount == 3 && reader.GetName(0) == PostgresSetTakes.TookOfColumn)
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var of = reader.GetFieldValue<int[]>(0);
                var takes = reader.GetFieldValue<int[]>(1);
                for (var i = 0; i < of.Length; i++)
                {
                    Answer(requestOf(of[i]), takes[i], new LimitTaken(1, null));
                }
            }

            return true;
        }

        if (reader.FieldCount != 4 || reader.GetName(0) != TakeOfColumn)
        {
            return false;
        }

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            Answer(requestOf(reader.GetInt32(0)), reader.GetInt32(1), new LimitTaken(reader.GetInt32(2), reader.IsDBNull(3) ? null : Time(reader.GetInt64(3))));
        }

        return true;
    }

    private static void Answer(CommitRequest request, int take, LimitTaken answer)
    {
        var taken = request.Taken ??= new LimitTaken[request.Transition.LimitTakes.Count];
        var before = taken[take];
        taken[take] = new LimitTaken(before.Granted + answer.Granted, answer.TokenBack ?? before.TokenBack);
    }
}
