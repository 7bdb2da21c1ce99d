using System.Data.Common;
using System.Text.Json.Nodes;

namespace FlowMachine.Storage.Relational;

/// <summary>
/// Records from the rows of a relational store, read by ordinal. Times are Unix milliseconds in 64-bit
/// integer columns, JSON is text. Each reader expects the columns of its record in the order given.
/// </summary>
internal static class RelationalRows
{
    /// <summary>
    /// A flow from <c>id, key, label, owner, routine, routine_version, spec, state, position, input, data,
    /// wait_reason, result, error, parent_flow_id, parent_step_key, parent_child_index, generation, created_at,
    /// updated_at, next_run_at, lease_owner, lease_expires_at, schedule, slot, suspended, priority, route, trace_parent, deadline</c> (the hold flags: 1 suspended, 2 routine paused); the spec column is read as text as it is
    /// (a store that keeps specs apart may read their hash there and look the spec up after).
    /// </summary>
    /// <exception cref="InvalidDataException">The row holds a state FlowMachine does not know.</exception>
    public static FlowRecord ReadFlow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!StateNames.TryParseFlowState(r.GetString(7), out var state))
        {
            throw new InvalidDataException($"Flow '{r.GetString(0)}' has an unknown state '{r.GetString(7)}' in the database.");
        }

        return new FlowRecord
        {
            Id = r.GetString(0),
            Key = Str(r, 1),
            Label = Str(r, 2),
            Owner = Str(r, 3),
            Routine = Str(r, 4),
            RoutineVersion = r.IsDBNull(5) ? null : r.GetInt32(5),
            SpecJson = r.GetString(6),
            State = state,
            Position = r.GetInt32(8),
            Input = ParseJson(r, 9),
            Data = ParseJson(r, 10) as JsonObject ?? [],
            WaitReason = Str(r, 11),
            Result = ParseJson(r, 12),
            Error = Str(r, 13),
            ParentFlowId = Str(r, 14),
            ParentStepKey = Str(r, 15),
            ParentChildIndex = r.GetInt32(16),
            Generation = r.GetInt32(17),
            CreatedAt = Time(r.GetInt64(18)),
            UpdatedAt = Time(r.GetInt64(19)),
            NextRunAt = Time(r, 20),
            LeaseOwner = Str(r, 21),
            LeaseExpiresAt = Time(r, 22),
            Schedule = Str(r, 23),
            Slot = Time(r, 24),
            Suspended = (r.GetInt64(25) & 1) != 0,
            RoutinePaused = (r.GetInt64(25) & 2) != 0,
            Priority = r.GetInt32(26),
            Route = Str(r, 27),
            TraceParent = Str(r, 28),
            Deadline = Time(r, 29),
        };
    }

    /// <summary>
    /// A step from <c>flow_id, idx, key, task_type, state, result, error, error_detail, attempts, started_at,
    /// finished_at, not_before, wait_reason, wait_event, wait_until, resume_token, param_overrides, spawn, recoveries, wait_key</c>.
    /// </summary>
    public static StepRecord ReadStep(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new()
        {
            FlowId = r.GetString(0),
            Index = r.GetInt32(1),
            Key = r.GetString(2),
            TaskType = r.GetString(3),
            State = StateNames.ParseStepState(r.GetString(4)),
            Result = ParseJson(r, 5),
            Error = Str(r, 6),
            ErrorDetail = Str(r, 7),
            Attempts = r.GetInt32(8),
            StartedAt = Time(r, 9),
            FinishedAt = Time(r, 10),
            NotBefore = Time(r, 11),
            WaitReason = Str(r, 12),
            WaitEvent = Str(r, 13),
            WaitUntil = Time(r, 14),
            ResumeToken = Str(r, 15),
            ParamOverrides = ParseJson(r, 16) as JsonObject,
            Spawn = ParseJson(r, 17) as JsonObject,
            Recoveries = r.GetInt32(18),
            WaitKey = Str(r, 19),
        };
    }

    /// <summary>A step as <see cref="ReadStep"/> reads it, with its progress from the two columns after (<see cref="RelationalSql.ProgressColumns"/>).</summary>
    public static StepRecord ReadStepWithProgress(DbDataReader r)
    {
        var step = ReadStep(r);
        step.Progress = ParseJson(r, 20);
        step.ProgressAt = Time(r, 21);
        return step;
    }

    /// <summary>A history event from <c>flow_id, seq, at, kind, step_key, detail</c>.</summary>
    public static HistoryEvent ReadHistory(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(0), r.GetInt64(1), Time(r.GetInt64(2)), r.GetString(3), Str(r, 4), ParseJson(r, 5));
    }

    /// <summary>A command from <c>id, flow_id, kind, step_key, payload, actor, at</c>.</summary>
    public static FlowCommand ReadCommand(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), ParseJson(r, 4), Str(r, 5), Time(r.GetInt64(6)));
    }

    /// <summary>An event from <see cref="RelationalSql.EventColumns"/>.</summary>
    public static FlowEvent ReadEvent(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetInt64(0), r.GetString(1), r.GetString(2), ParseJson(r, 3), Time(r.GetInt64(4))) { Key = Str(r, 5) };
    }

    /// <summary>A kept event from <see cref="KeyedEventSql.ListKept"/>.</summary>
    public static KeptEventRecord ReadKept(DbDataReader r)
    {
        var owner = r.GetString(4);
        return new(r.GetString(0), r.GetString(1), ParseJson(r, 2), Str(r, 3), owner.Length == 0 ? null : owner,
            Time(r.GetInt64(5)), Time(r.GetInt64(6)));
    }

    /// <summary>A keyed wait from <see cref="KeyedEventSql.ListWaits"/>.</summary>
    public static KeyedWaitRecord ReadWait(DbDataReader r) =>
        new(r.GetString(0), Str(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), Str(r, 5),
            Time(r, 6));

    /// <summary>A routine from <c>name, version, spec_json, owner, created_at</c>.</summary>
    public static RoutineRecord ReadRoutine(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(0), r.GetInt32(1), r.GetString(2), Str(r, 3), Time(r.GetInt64(4)));
    }

    /// <summary>A schedule from <see cref="RelationalSql.ScheduleColumns"/>.</summary>
    public static ScheduleRecord ReadSchedule(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new()
        {
            Name = r.GetString(0),
            Owner = Str(r, 1),
            DefinitionJson = r.GetString(2),
            Paused = r.GetBoolean(3),
            Note = Str(r, 4),
            NextFireAt = Time(r, 5),
            LastSlot = Time(r, 6),
            LastFlowId = Str(r, 7),
            BufferedSlot = Time(r, 8),
            LastError = Str(r, 9),
            LeaseOwner = Str(r, 10),
            LeaseExpiresAt = Time(r, 11),
            CreatedAt = Time(r.GetInt64(12)),
            UpdatedAt = Time(r.GetInt64(13)),
        };
    }

    /// <summary>A leased schedule from <see cref="RelationalSql.ScheduleColumns"/> followed by its last flow's state (null when it has none).</summary>
    public static ClaimedSchedule ReadClaimedSchedule(DbDataReader r)
    {
        var schedule = ReadSchedule(r);
        FlowState? last = StateNames.TryParseFlowState(Str(r, 14), out var state) ? state : null;
        return new ClaimedSchedule(schedule, last);
    }

    /// <summary>A user from <c>name, is_admin, created_at</c>, starting at column <paramref name="first"/>.</summary>
    public static UserRecord ReadUser(DbDataReader r, int first)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(first), r.GetBoolean(first + 1), Time(r.GetInt64(first + 2)));
    }

    /// <summary>A key row of <see cref="RelationalSql.ListApiKeys"/>.</summary>
    public static ApiKeyRecord ReadApiKey(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(0), r.GetString(1), (byte[])r.GetValue(2), Time(r.GetInt64(3)));
    }

    /// <summary>Reads rows of <c>id, state</c> into states by id; a state FlowMachine does not know is left out.</summary>
    public static Dictionary<string, FlowState> ReadStates(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var states = new Dictionary<string, FlowState>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            if (StateNames.TryParseFlowState(r.GetString(1), out var state))
            {
                states[r.GetString(0)] = state;
            }
        }

        return states;
    }

    /// <summary>Zero flows in every state, for <see cref="AddStateCount"/> to fill in.</summary>
    public static Dictionary<FlowState, long> EmptyStateCounts() => Enum.GetValues<FlowState>().ToDictionary(s => s, _ => 0L);

    /// <summary>Sets the count of one state from a row of <c>state, count</c>; a state FlowMachine does not know is left out.</summary>
    public static void AddStateCount(Dictionary<FlowState, long> counts, DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(r);
        if (StateNames.TryParseFlowState(r.GetString(0), out var state))
        {
            counts[state] = r.GetInt64(1);
        }
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static JsonNode? ParseJson(DbDataReader r, int i) => r.IsDBNull(i) ? null : JsonNode.Parse(r.GetString(i));
}
