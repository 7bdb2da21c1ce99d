namespace FlowMachine.Storage.Relational;

/// <summary>
/// The retention statements both relational stores share. A provider supplies its dialect's way of naming a
/// set: <c>@except</c> (routines) and <c>@ids</c> (flow ids) are lists it binds its own way.
/// </summary>
internal static class RetentionSql
{
    /// <summary>The terminal states, as stored.</summary>
    public const string Terminal = "('COMPLETED', 'FAILED', 'KILLED', 'CANCELLED')";

    /// <summary>True when flow <c>f</c> may go: terminal, not leased and not due (a queued command or event would revive it).</summary>
    public const string Idle = "(f.state IN " + Terminal + " AND f.next_run_at IS NULL AND f.lease_owner IS NULL)";

    /// <summary>The flows of <c>tree</c> (a recursive walk from the flows <c>@ids</c>, each with its top flow as <c>root</c>), with whether each may go.</summary>
    public static string Tree(string ids) =>
        "WITH RECURSIVE tree(id, root) AS (SELECT r, r FROM " + ids + " UNION ALL SELECT c.id, t.root FROM flows c JOIN tree t ON c.parent_flow_id = t.id) " +
        "SELECT f.id, t.root, " + Idle + " FROM tree t JOIN flows f ON f.id = t.id";

    /// <summary>Deletes everything of the flows <paramref name="ids"/> but their specs, the flow rows last (returning their spec keys).</summary>
    public static IReadOnlyList<string> DeleteFlows(string ids) =>
    [
        "DELETE FROM steps WHERE flow_id IN " + ids,
        "DELETE FROM history WHERE flow_id IN " + ids,
        "DELETE FROM commands WHERE flow_id IN " + ids,
        "DELETE FROM events WHERE flow_id IN " + ids,
        "DELETE FROM used_resume_tokens WHERE flow_id IN " + ids,
        "DELETE FROM flow_tags WHERE flow_id IN " + ids,
        "DELETE FROM flow_attributes WHERE flow_id IN " + ids,
        "DELETE FROM limit_slots WHERE flow_id IN " + ids,
        "DELETE FROM limit_waiters WHERE flow_id IN " + ids,
        "DELETE FROM keyed_waits WHERE flow_id IN " + ids,
    ];

    /// <summary>Deletes the specs <paramref name="hashes"/> that no flow names any more.</summary>
    public static string DeleteUnusedSpecs(string hashes) =>
        "DELETE FROM specs WHERE hash IN " + hashes + " AND NOT EXISTS (SELECT 1 FROM flows x WHERE x.spec_hash = specs.hash)";

    /// <summary>
    /// Top-level flows the filter matches that may go and whose children may go, oldest first (<c>@before</c>
    /// in Unix milliseconds, <c>@routine</c>, and <paramref name="exceptRoutines"/>: true when <c>f.routine</c>
    /// is one of the excepted routines).
    /// </summary>
    public static string Roots(FlowRetentionFilter filter, string select, string exceptRoutines)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var states = filter.States.Where(s => s.IsTerminal()).Distinct().Select(s => "'" + s.ToName() + "'").ToList();
        if (states.Count == 0)
        {
            return "SELECT " + select + " FROM flows f WHERE 1 = 0";
        }

        return "SELECT " + select + " FROM flows f WHERE f.parent_flow_id IS NULL AND f.state IN (" + string.Join(", ", states) + ") " +
            "AND f.next_run_at IS NULL AND f.lease_owner IS NULL" +
            (filter.FinishedBefore is null ? "" : " AND f.updated_at < @before AND f.created_at < @before") +
            (filter.Routine is null ? "" : " AND f.routine = @routine") +
            (filter.Tag is null ? "" : " AND EXISTS (SELECT 1 FROM flow_tags t WHERE t.flow_id = f.id AND t.tag = @tag)") +
            (filter.ExceptRoutines.Count == 0 ? "" : " AND (f.routine IS NULL OR NOT " + exceptRoutines + ")") +
            " AND NOT EXISTS (SELECT 1 FROM flows c WHERE c.parent_flow_id = f.id AND NOT " + Idle.Replace("f.", "c.", StringComparison.Ordinal) + ")";
    }

    /// <summary>The oldest finished flow: per terminal state the earliest created (an index read), then the earliest of their end times.</summary>
    public const string OldestFinished =
        "SELECT MIN(t) FROM (" +
        "SELECT (SELECT updated_at FROM flows WHERE state = 'COMPLETED' ORDER BY created_at, id LIMIT 1) AS t UNION ALL " +
        "SELECT (SELECT updated_at FROM flows WHERE state = 'FAILED' ORDER BY created_at, id LIMIT 1) UNION ALL " +
        "SELECT (SELECT updated_at FROM flows WHERE state = 'KILLED' ORDER BY created_at, id LIMIT 1) UNION ALL " +
        "SELECT (SELECT updated_at FROM flows WHERE state = 'CANCELLED' ORDER BY created_at, id LIMIT 1)) o";

    /// <summary>
    /// From the rows of <see cref="Tree"/> (id, root, may go): the flows of every top flow whose whole tree may
    /// go, and how many top flows that is.
    /// </summary>
    public static (List<string> Ids, int Roots) Deletable(IEnumerable<(string Id, string Root, bool Idle)> rows)
    {
        var trees = rows.GroupBy(r => r.Root, StringComparer.Ordinal).Where(t => t.All(r => r.Idle)).ToList();
        return ([.. trees.SelectMany(t => t.Select(r => r.Id)).Distinct(StringComparer.Ordinal)], trees.Count);
    }
}
