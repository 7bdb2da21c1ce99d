namespace FlowMachine.Storage.Relational;

/// <summary>The reads behind a diagnosis (<see cref="IFlowDiagnosisStore"/>), the same in every SQL dialect FlowMachine supports.</summary>
internal static class DiagnosisSql
{
    private const string Unfinished = "state NOT IN ('COMPLETED', 'FAILED', 'KILLED', 'CANCELLED')";

    /// <summary>The events of flow <c>@id</c> not taken yet, as <see cref="RelationalRows.ReadEvent"/> reads them.</summary>
    public const string PendingEvents = "SELECT id, flow_id, name, value, at FROM events WHERE flow_id = @id ORDER BY id";

    /// <summary>The unexpired slots of key <c>@key</c> at <c>@now</c>: flow id, step key, owner, expiry.</summary>
    public const string SlotHolders =
        "SELECT flow_id, step_key, owner, expires_at FROM limit_slots WHERE key = @key AND expires_at > @now ORDER BY flow_id, step_key";

    /// <summary>
    /// After <c>SELECT columns FROM flows</c>: overdue flows (<c>@now</c>, <c>@due_before</c>, <c>@limit</c>). The
    /// unleased ones come from the due indexes, the expired leases from the leased index.
    /// </summary>
    public static string Overdue(bool byOwner) =>
        " WHERE " + Unfinished + " AND ((lease_owner IS NULL AND suspended = 0 AND next_run_at IS NOT NULL " +
        "AND (next_run_at <= @due_before OR (route IS NOT NULL AND next_run_at <= @now))) " +
        "OR (lease_owner IS NOT NULL AND lease_expires_at <= @now))" +
        (byOwner ? " AND owner = @owner" : string.Empty) + " ORDER BY id LIMIT @limit";

    /// <summary>
    /// After <c>SELECT columns FROM steps</c>: unfinished steps of unfinished flows whose worker was lost (<c>@limit</c>,
    /// <c>@owner</c> when <paramref name="byOwner"/>). Reads every step: the list is for people, not the hot path.
    /// </summary>
    public static string Recovered(bool byOwner) =>
        " WHERE recoveries > 0 AND state IN ('PENDING', 'RUNNING') AND EXISTS (SELECT 1 FROM flows f WHERE f.id = steps.flow_id AND f." + Unfinished +
        (byOwner ? " AND f.owner = @owner" : string.Empty) + ") ORDER BY flow_id, idx LIMIT @limit";

    /// <summary>A holder from the columns of <see cref="SlotHolders"/>.</summary>
    public static SlotHolder ReadHolder(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)));
}
