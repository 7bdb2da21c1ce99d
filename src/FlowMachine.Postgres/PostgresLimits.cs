using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>Flow control statements: the schema's functions decide in one statement each (see migrations 15 and 17); a commit batch frees its slots in two plain ones.</summary>
internal static class PostgresLimits
{
    public const string AcquireSql = "SELECT limit_acquire($1, $2, $3, $4, $5, $6, $7)";

    public const string TakeSql = "SELECT rate_take($1, $2, $3, $4)";

    public const string CountSql = "SELECT count(*)::integer FROM limit_slots WHERE key = $1 AND expires_at > $2";

    public const string ExpireSql = "SELECT limit_expire($1, $2)";

    public const string RenewSql = "UPDATE limit_slots SET expires_at = $3 WHERE owner = $2 AND flow_id = ANY($1)";

    // Due now (and the workers told) when woken before this commit or a key it waits for has a free slot.
    private const string RecheckSql =
        "WITH due AS (UPDATE flows SET next_run_at = LEAST(next_run_at, $2) WHERE id = $1 AND next_run_at IS NOT NULL AND " +
        "(NOT EXISTS (SELECT 1 FROM limit_waiters WHERE flow_id = $1) OR EXISTS (SELECT 1 FROM limit_waiters w WHERE w.flow_id = $1 AND " +
        "(SELECT count(*) FROM limit_slots s WHERE s.key = w.key AND s.expires_at > $2) < w.lim)) RETURNING id) " +
        "SELECT pg_notify($3, '') FROM due";

    // The slots a batch frees (its ended flows' all, their waiter rows too), in plain statements: the keys freed that
    // flows wait for are left in flowmachine.freed, and the next statement wakes the oldest waiter of such a key once
    // for every slot of it freed (limit_wake), only when there are any. Two deletes of one statement never touch the
    // same row: an ended flow's released slots go with the rest of its slots.
    private const string FreeSql =
        "WITH r AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS r (flow, key, step)), " +
        "ended AS (DELETE FROM limit_waiters x WHERE x.flow_id = ANY ($4::text[])), " +
        "gone AS (DELETE FROM limit_slots s USING r WHERE s.key = r.key AND s.flow_id = r.flow AND s.step_key = r.step RETURNING s.key), " +
        "gone_all AS (DELETE FROM limit_slots s WHERE s.flow_id = ANY ($4::text[]) RETURNING s.key), " +
        "freed AS (SELECT key FROM gone UNION ALL SELECT key FROM gone_all) " +
        "SELECT set_config('" + FreedSetting + "', coalesce(array_agg(f.key) FILTER (WHERE EXISTS (SELECT 1 FROM limit_waiters w WHERE w.key = f.key)), '{}')::text, true) " +
        "FROM freed f";

    private const string WakeSql =
        "SELECT pg_notify($2, '') FROM (SELECT count(*) FILTER (WHERE limit_wake(k, $1)) AS n " +
        "FROM unnest(coalesce(nullif(current_setting('" + FreedSetting + "', true), ''), '{}')::text[]) AS k) x WHERE x.n > 0";

    private const string FreedSetting = "flowmachine.freed";

    /// <summary>
    /// The slots the transitions free, before their takes: the slots they release but for those handed over to a
    /// step they start, and every slot and waiter row of a flow that ended; a freed slot wakes the oldest waiter of its key.
    /// </summary>
    public static void AddReleases(List<NpgsqlBatchCommand> commands, IReadOnlyList<FlowTransition> transitions, string channel)
    {
        List<string>? flows = null, keys = null, steps = null, ended = null;
        long? now = null;
        foreach (var t in transitions)
        {
            if (t.EndsLimits)
            {
                (ended ??= []).Add(t.Flow.Id);
            }
            else if (t.ReleasedSlots.Count > 0 && LimitTakes.HandOvers(t).Released is { Count: > 0 } released)
            {
                // A slot freed here that a step started here asks for (same key) is handed over by the take instead (PostgresLimitTakes).
                foreach (var slot in released)
                {
                    (flows ??= []).Add(t.Flow.Id);
                    (keys ??= []).Add(slot.Key);
                    (steps ??= []).Add(slot.StepKey);
                }
            }
            else
            {
                continue;
            }

            now = Math.Min(now ?? long.MaxValue, Ms(t.Flow.UpdatedAt));
        }

        if (now is not { } at)
        {
            return;
        }

        var free = Command(FreeSql);
        free.Parameters.Add(CommitBatch.Array(NpgsqlDbType.Text, (flows ?? []).ToArray()));
        free.Parameters.Add(CommitBatch.Array(NpgsqlDbType.Text, (keys ?? []).ToArray()));
        free.Parameters.Add(CommitBatch.Array(NpgsqlDbType.Text, (steps ?? []).ToArray()));
        free.Parameters.Add(CommitBatch.Array(NpgsqlDbType.Text, (ended ?? []).ToArray()));
        commands.Add(free);
        var wake = Command(WakeSql);
        wake.Parameters.Add(P(Positional, (long?)at));
        wake.Parameters.Add(P(Positional, channel));
        commands.Add(wake);
    }

    /// <summary>The recheck of a refused step: due now when woken before this commit or a key it waits for has a free slot.</summary>
    public static void AddRecheck(List<NpgsqlBatchCommand> commands, FlowTransition t, string channel)
    {
        if (t.WaitsForSlot)
        {
            commands.Add(OfFlow(RecheckSql, t.Flow.Id, Ms(t.Flow.UpdatedAt), channel));
        }
    }

    /// <summary>A statement of one flow: <c>$1</c> its id, <c>$2</c> the commit's time, <c>$3</c> the NOTIFY channel.</summary>
    private static NpgsqlBatchCommand OfFlow(string sql, string flowId, long now, string channel)
    {
        var cmd = Command(sql);
        cmd.Parameters.Add(P(Positional, flowId));
        cmd.Parameters.Add(P(Positional, (long?)now));
        cmd.Parameters.Add(P(Positional, channel));
        return cmd;
    }

    public static NpgsqlBatchCommand Release(string flowId, IReadOnlyList<LimitSlot> slots, long now, string channel)
    {
        var cmd = Command("SELECT limit_release($1, $2, $3, $4, $5)");
        cmd.Parameters.Add(P(Positional, flowId));
        cmd.Parameters.Add(new NpgsqlParameter { Value = slots.Select(s => s.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = slots.Select(s => s.StepKey).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(P(Positional, (long?)now));
        cmd.Parameters.Add(P(Positional, channel));
        return cmd;
    }
}
