using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>Flow control statements: the schema's functions decide in one statement each (see migrations 15 and 17).</summary>
internal static class PostgresLimits
{
    public const string AcquireSql = "SELECT limit_acquire($1, $2, $3, $4, $5, $6, $7)";

    public const string TakeSql = "SELECT rate_take($1, $2, $3, $4)";

    public const string CountSql = "SELECT count(*)::integer FROM limit_slots WHERE key = $1 AND expires_at > $2";

    public const string ExpireSql = "SELECT limit_expire($1, $2)";

    private const string EndSql = "SELECT limit_end($1, $2, $3)";

    public const string RenewSql = "UPDATE limit_slots SET expires_at = $3 WHERE owner = $2 AND flow_id = ANY($1)";

    // Due now (and the workers told) when woken before this commit or a key it waits for has a free slot.
    private const string RecheckSql =
        "WITH due AS (UPDATE flows SET next_run_at = LEAST(next_run_at, $2) WHERE id = $1 AND next_run_at IS NOT NULL AND " +
        "(NOT EXISTS (SELECT 1 FROM limit_waiters WHERE flow_id = $1) OR EXISTS (SELECT 1 FROM limit_waiters w WHERE w.flow_id = $1 AND " +
        "(SELECT count(*) FROM limit_slots s WHERE s.key = w.key AND s.expires_at > $2) < w.lim)) RETURNING id) " +
        "SELECT pg_notify($3, '') FROM due";

    /// <summary>True when the transition changes flow control: slots to release, a refusal to recheck, or a flow that ended.</summary>
    public static bool Touches(FlowTransition t) => t.ReleasedSlots.Count > 0 || t.WaitsForSlot || t.EndsLimits;

    /// <summary>
    /// The commit's flow control part before its takes: its slots released (waking waiters) but for those handed over to
    /// a step it starts, the recheck of a refused step, and the end of a flow's slots and waits.
    /// </summary>
    public static void AddCommitParts(List<NpgsqlBatchCommand> commands, FlowTransition t, string channel)
    {
        var now = Ms(t.Flow.UpdatedAt);

        // A slot freed here that a step started here asks for (same key) is handed over by the take instead (PostgresLimitTakes).
        if (LimitTakes.HandOvers(t).Released is { Count: > 0 } released)
        {
            commands.Add(Release(t.Flow.Id, released, now, channel));
        }

        if (t.WaitsForSlot)
        {
            commands.Add(OfFlow(RecheckSql, t.Flow.Id, now, channel));
        }

        if (t.EndsLimits)
        {
            commands.Add(OfFlow(EndSql, t.Flow.Id, now, channel));
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
