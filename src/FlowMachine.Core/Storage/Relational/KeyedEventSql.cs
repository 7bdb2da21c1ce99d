namespace FlowMachine.Storage.Relational;

/// <summary>
/// The keyed-event statements both relational stores share (<see cref="IKeyedEventStore"/>). Owners are stored as
/// given, an administrator's events (null owner) as <c>''</c>; times in Unix milliseconds.
/// </summary>
internal static class KeyedEventSql
{
    /// <summary>Remembers an id (<c>@owner, @id, @until, @now</c>): one row written when it is new or its time ran out, none for a duplicate.</summary>
    public const string RememberId =
        "INSERT INTO seen_event_ids (owner, id, expires_at) VALUES (@owner, @id, @until) " +
        "ON CONFLICT (owner, id) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_event_ids.expires_at <= @now";

    /// <summary>Keeps the event as the latest of its name, key and owner (<c>@name, @key, @owner, @value, @now, @until, @id</c>).</summary>
    public const string Keep =
        "INSERT INTO kept_events (name, key, owner, value, raised_at, expires_at, id) VALUES (@name, @key, @owner, @value, @now, @until, @id) " +
        "ON CONFLICT (name, key, owner) DO UPDATE SET value = excluded.value, raised_at = excluded.raised_at, expires_at = excluded.expires_at, id = excluded.id";

    /// <summary>
    /// The unexpired kept events at <c>@now</c> matching <c>@name, @key, @owner</c> (each null: any), at most <c>@limit</c>, the
    /// latest first: name, key, value, id, owner, raised_at, expires_at.
    /// </summary>
    public const string ListKept =
        "SELECT name, key, value, id, owner, raised_at, expires_at FROM kept_events WHERE expires_at > @now " +
        "AND (@name IS NULL OR name = @name) AND (@key IS NULL OR key = @key) AND (@owner IS NULL OR owner = @owner) " +
        "ORDER BY raised_at DESC, name, key, owner LIMIT @limit";

    /// <summary>
    /// The keyed waits matching <c>@name, @key, @owner</c> (each null: any), at most <c>@limit</c>: flow_id, routine, step_key,
    /// event_name, event_key, owner, the step's started_at.
    /// </summary>
    public const string ListWaits =
        "SELECT w.flow_id, f.routine, w.step_key, w.event_name, w.event_key, w.owner, s.started_at FROM keyed_waits w " +
        "JOIN flows f ON f.id = w.flow_id LEFT JOIN steps s ON s.flow_id = w.flow_id AND s.key = w.step_key " +
        "WHERE (@name IS NULL OR w.event_name = @name) AND (@key IS NULL OR w.event_key = @key) AND (@owner IS NULL OR w.owner = @owner) " +
        "ORDER BY w.event_name, w.event_key, w.flow_id, w.step_key LIMIT @limit";

    /// <summary>The waits the event reaches, dropped (<c>@name, @key, @owner</c>: '' reaches every owner's flows).</summary>
    public const string TakeWaits =
        "DELETE FROM keyed_waits WHERE event_name = @name AND event_key = @key AND (@owner = '' OR owner = @owner) RETURNING flow_id";

    /// <summary>The value of the latest unexpired kept event a flow of <c>@owner</c> may receive (<c>@name, @key, @now</c>).</summary>
    public const string FindKept =
        "SELECT value FROM kept_events WHERE name = @name AND key = @key AND (owner = '' OR owner = @owner) AND expires_at > @now " +
        "ORDER BY raised_at DESC LIMIT 1";

    /// <summary>Indexes a wait (<c>@flow, @step, @name, @key, @owner</c>).</summary>
    public const string AddWait =
        "INSERT INTO keyed_waits (flow_id, step_key, event_name, event_key, owner) VALUES (@flow, @step, @name, @key, @owner)";

    /// <summary>Drops the wait of a step (<c>@flow, @step</c>).</summary>
    public const string DropWait = "DELETE FROM keyed_waits WHERE flow_id = @flow AND step_key = @step";

    /// <summary>A flow's waits (<c>@flow</c>): step_key, event_name, event_key.</summary>
    public const string FlowWaits = "SELECT step_key, event_name, event_key FROM keyed_waits WHERE flow_id = @flow ORDER BY step_key";

    /// <summary>Deletes the kept events (first) and the ids (second) whose time ran out (<c>@now</c>).</summary>
    public static readonly IReadOnlyList<string> Purge =
    [
        "DELETE FROM kept_events WHERE expires_at <= @now",
        "DELETE FROM seen_event_ids WHERE expires_at <= @now",
    ];

    /// <summary>The stored owner of an event: <c>''</c> for an administrator's.</summary>
    public static string Owner(string? owner) => owner ?? "";
}
