namespace FlowMachine.Storage.Relational;

/// <summary>The reads behind a diagnosis (<see cref="IFlowDiagnosisStore"/>), the same in every SQL dialect FlowMachine supports.</summary>
internal static class DiagnosisSql
{
    private const string Unfinished = "state NOT IN ('COMPLETED', 'FAILED', 'KILLED', 'CANCELLED')";

    /// <summary>The events of flow <c>@id</c> not taken yet, as <see cref="RelationalRows.ReadEvent"/> reads them.</summary>
    public const string PendingEvents = "SELECT " + RelationalSql.EventColumns + " FROM events WHERE flow_id = @id ORDER BY id";

    /// <summary>The unexpired slots of key <c>@key</c> at <c>@now</c>: flow id, step key, owner, expiry.</summary>
    public const string SlotHolders =
        "SELECT flow_id, step_key, owner, expires_at FROM limit_slots WHERE key = @key AND expires_at > @now ORDER BY flow_id, step_key";

    /// <summary>
    /// After <c>SELECT columns FROM flows</c>: overdue flows (<c>@now</c>, <c>@due_before</c>, <c>@limit</c>, and
    /// <c>@owner</c> when <paramref name="byOwner"/>), by id. Each branch reads one partial index in its order and stops at
    /// the limit: unleased due flows of priority 0 (<c>flows_due</c>) and of any other (<c>flows_due_ranked</c>), past the
    /// threshold or routed and due now, and expired leases (<c>flows_leased</c>).
    /// </summary>
    public static string Overdue(bool byOwner)
    {
        var owner = byOwner ? " AND owner = @owner" : string.Empty;
        const string Unleased = "next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0";
        string Branch(string where, string order, string alias) =>
            $"SELECT id FROM (SELECT id FROM flows WHERE {where}{owner} ORDER BY {order} LIMIT @limit) {alias}";
        return " WHERE id IN (" +
            Branch($"{Unleased} AND priority = 0 AND next_run_at <= @due_before", "next_run_at", "a") + " UNION ALL " +
            Branch($"{Unleased} AND priority <> 0 AND next_run_at <= @due_before", "next_run_at", "b") + " UNION ALL " +
            Branch($"{Unleased} AND priority = 0 AND next_run_at <= @now AND route IS NOT NULL", "next_run_at", "c") + " UNION ALL " +
            Branch($"{Unleased} AND priority <> 0 AND next_run_at <= @now AND route IS NOT NULL", "next_run_at", "d") + " UNION ALL " +
            Branch("lease_owner IS NOT NULL AND lease_expires_at <= @now", "lease_expires_at", "e") +
            ") AND " + Unfinished + " ORDER BY id LIMIT @limit";
    }

    /// <summary>
    /// After <c>SELECT columns FROM steps</c>: unfinished steps whose worker was lost, of unfinished flows a worker holds
    /// (<c>@limit</c>, <c>@owner</c> when <paramref name="byOwner"/>): a lost step runs again under its flow's next lease,
    /// so only leased flows (<c>flows_leased</c>) are read, and their steps by key.
    /// </summary>
    public static string Recovered(bool byOwner) =>
        " WHERE flow_id IN (SELECT id FROM flows WHERE lease_owner IS NOT NULL AND " + Unfinished + (byOwner ? " AND owner = @owner" : string.Empty) +
        ") AND recoveries > 0 AND state IN ('PENDING', 'RUNNING') ORDER BY flow_id, idx LIMIT @limit";

    /// <summary>A holder from the columns of <see cref="SlotHolders"/>.</summary>
    public static SlotHolder ReadHolder(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)));
}
