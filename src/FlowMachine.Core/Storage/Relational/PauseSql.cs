namespace FlowMachine.Storage.Relational;

/// <summary>
/// Holding flows back, the same in every SQL dialect FlowMachine supports: <c>flows.suspended</c> holds the
/// flag 1 for a flow suspended by hand and 2 for a flow of a paused routine (<c>paused_routines</c>).
/// </summary>
internal static class PauseSql
{
    /// <summary>The flow <c>@id</c>'s <c>state, suspended</c>.</summary>
    public const string FlowHold = "SELECT state, suspended FROM flows WHERE id = @id";

    /// <summary>Suspends the flow <c>@id</c>.</summary>
    public const string Suspend = "UPDATE flows SET suspended = suspended | 1 WHERE id = @id";

    /// <summary>Resumes the flow <c>@id</c> (its routine's pause stays).</summary>
    public const string Unsuspend = "UPDATE flows SET suspended = suspended & ~1 WHERE id = @id";

    /// <summary>One row when a routine <c>@name</c> is stored.</summary>
    public const string RoutineExists = "SELECT 1 FROM routines WHERE name = @name LIMIT 1";

    /// <summary>Pauses routine <c>@name</c> (at <c>@at</c>, by <c>@by</c>) unless it is paused already.</summary>
    public const string InsertPaused = "INSERT INTO paused_routines (name, paused_at, paused_by) VALUES (@name, @at, @by) ON CONFLICT (name) DO NOTHING";

    /// <summary>Resumes routine <c>@name</c>.</summary>
    public const string DeletePaused = "DELETE FROM paused_routines WHERE name = @name";

    /// <summary>Holds the unfinished flows of routine <c>@name</c> (by the routine index).</summary>
    public const string MarkRoutineFlows =
        "UPDATE flows SET suspended = suspended | 2 WHERE routine = @name AND (suspended & 2) = 0 " +
        "AND state NOT IN ('COMPLETED', 'FAILED', 'KILLED', 'CANCELLED')";

    /// <summary>Lets every flow of routine <c>@name</c> go (those suspended by hand stay suspended).</summary>
    public const string UnmarkRoutineFlows = "UPDATE flows SET suspended = suspended & ~2 WHERE routine = @name AND (suspended & 2) <> 0";

    /// <summary>Every paused routine: <c>name, paused_at, paused_by</c>, by name.</summary>
    public const string ListPaused = "SELECT name, paused_at, paused_by FROM paused_routines ORDER BY name";

    /// <summary>What suspending or resuming a flow in <paramref name="state"/> with hold flags <paramref name="hold"/> does.</summary>
    /// <returns>The answer, or null when the flow is to change.</returns>
    public static HoldResult? Check(string state, long hold, bool suspend)
    {
        var parsed = State(state);
        if (parsed.IsTerminal())
        {
            return new HoldResult(HoldStatus.Ended, parsed);
        }

        return ((hold & 1) != 0) == suspend ? new HoldResult(HoldStatus.Unchanged, parsed) : null;
    }

    /// <summary>A stored state (an unknown one reads as RUNNING: it has not ended as far as FlowMachine knows).</summary>
    public static FlowState State(string state) => StateNames.TryParseFlowState(state, out var parsed) ? parsed : FlowState.Running;

    /// <summary>A paused routine from <see cref="ListPaused"/>.</summary>
    public static PausedRoutine ReadPaused(System.Data.Common.DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.IsDBNull(2) ? null : r.GetString(2));
    }
}
