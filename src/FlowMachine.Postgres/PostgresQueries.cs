using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FlowMachine.Postgres;

/// <summary>
/// The hand-written SQL, statement builders and the mapping between rows and records. Statements are
/// built as batch commands so that one round trip carries everything a write needs.
/// </summary>
internal static class PostgresQueries
{
    /// <summary>The SQLSTATE raised by <c>check_lease</c> when a commit's owner no longer holds the flow.</summary>
    public const string LeaseLostState = "FM001";

    /// <summary>
    /// For the rest of the transaction: plans made for the values at hand, by index lookups only. A claim
    /// and the statements that join a few arrays to a table touch a handful of rows, found by key; with
    /// statistics from when the tables were small (autovacuum's ANALYZE lags behind a fast-growing table)
    /// the planner chose hash joins over whole-table scans, and sorts of every due flow, which grew with
    /// the tables: 2.5 ms per claim, the most database time of any statement under load.
    /// </summary>
    public const string IndexPlansSql =
        "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; " +
        "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; ";

    /// <summary>A flow row as read, with its spec looked up in <c>specs</c> (from <c>flows</c>, not aliased).</summary>
    public const string FlowColumns =
        "id, key, label, owner, routine, routine_version, (SELECT s.spec_json FROM specs s WHERE s.hash = flows.spec_hash) AS spec_json, " +
        "state, position, input, data, wait_reason, result, error, " +
        "parent_flow_id, parent_step_key, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at";

    private const string FlowInsertColumns =
        "id, key, label, owner, routine, routine_version, spec_hash, state, position, input, data, wait_reason, result, error, " +
        "parent_flow_id, parent_step_key, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at";

    public const string StepColumns =
        "flow_id, idx, key, task_type, state, result, error, error_detail, attempts, started_at, finished_at, not_before, " +
        "wait_reason, wait_event, wait_until, resume_token, param_overrides, spawn";

    private const string InsertFlowSql =
        "INSERT INTO flows (" + FlowInsertColumns + ") VALUES (@id, @key, @label, @owner, @routine, @routine_version, @spec_hash, @state, @position, " +
        "@input, @data, @wait_reason, @result, @error, @parent_flow_id, @parent_step_key, @parent_child_index, @generation, @created_at, " +
        "@updated_at, @next_run_at, @lease_owner, @lease_expires_at) ON CONFLICT (key) DO NOTHING";

    // The step values as a SELECT, so a child's steps can be made conditional on the child row existing.
    // Positional ($n), as every statement a step runs: Npgsql sends those as they are, where named
    // parameters make it parse and rewrite the SQL text at every execution.
    private const string StepValues =
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18";

    public const string StepUpsertTail =
        " ON CONFLICT (flow_id, key) DO UPDATE SET idx = excluded.idx, task_type = excluded.task_type, state = excluded.state, " +
        "result = excluded.result, error = excluded.error, error_detail = excluded.error_detail, attempts = excluded.attempts, " +
        "started_at = excluded.started_at, finished_at = excluded.finished_at, not_before = excluded.not_before, " +
        "wait_reason = excluded.wait_reason, wait_event = excluded.wait_event, wait_until = excluded.wait_until, " +
        "resume_token = excluded.resume_token, param_overrides = excluded.param_overrides, spawn = excluded.spawn";

    // Only what a transition can change: the spec, input, identity and parent links are written once, at
    // creation (sending the spec again at every step would cost its whole text each time). Data and the
    // lease only when asked. The lease check is in the WHERE; check_lease turns "no row" into an error
    // that stops the batch.
    private const string UpdateFlowSql =
        "WITH u AS (UPDATE flows SET state = $2, position = $3, data = CASE WHEN $10 THEN $11 ELSE data END, " +
        "wait_reason = $4, result = $5, error = $6, generation = $7, updated_at = $8, next_run_at = $9, " +
        "lease_owner = CASE WHEN $12 THEN NULL ELSE lease_owner END, " +
        "lease_expires_at = CASE WHEN $12 THEN NULL ELSE lease_expires_at END " +
        "WHERE id = $1 AND lease_owner = $13 RETURNING 1) " +
        "SELECT check_lease((SELECT count(*) FROM u), $1)";

    private const string MakeDueSql =
        "UPDATE flows SET next_run_at = CASE WHEN next_run_at IS NULL OR next_run_at > @at THEN @at ELSE next_run_at END WHERE id = @id";

    // --- Statement builders --------------------------------------------------------------------

    /// <summary>
    /// Statements that insert a flow with its steps and history unless its key is taken. The first
    /// statement's row count tells whether it was inserted.
    /// </summary>
    public static void AddInsertFlow(List<NpgsqlBatchCommand> batch, NewFlow flow)
    {
        var f = flow.Flow;
        var cmd = Command(InsertFlowSql);
        cmd.Parameters.Add(P("id", f.Id));
        cmd.Parameters.Add(P("key", f.Key));
        BindFlowColumns(cmd, f);
        cmd.Parameters.Add(P("data", Json(f.Data)));
        cmd.Parameters.Add(P("created_at", Ms(f.CreatedAt)));
        cmd.Parameters.Add(P("lease_owner", f.LeaseOwner));
        cmd.Parameters.Add(P("lease_expires_at", Ms(f.LeaseExpiresAt)));
        batch.Add(cmd);

        // Content-addressed: a copy stored by another flow (or left by one whose key was taken) is the same text.
        var spec = Command("INSERT INTO specs (hash, spec_json) VALUES (@hash, @spec_json) ON CONFLICT (hash) DO NOTHING");
        spec.Parameters.Add(P("hash", SpecHash.Of(f.SpecJson)));
        spec.Parameters.Add(P("spec_json", f.SpecJson));
        batch.Add(spec);

        // When the key was taken nothing of this flow exists, so these insert nothing either.
        foreach (var step in flow.Steps)
        {
            batch.Add(StepCommand(f.Id, step, "INSERT INTO steps (" + StepColumns + ") SELECT " + StepValues +
                " WHERE EXISTS (SELECT 1 FROM flows WHERE id = $1)" + StepUpsertTail));
        }

        foreach (var e in flow.History)
        {
            batch.Add(HistoryCommand(f.Id, e, conditional: true));
        }
    }

    /// <summary>The lease-checked write of a transition's flow row.</summary>
    public static NpgsqlBatchCommand UpdateFlow(FlowRecord f, string leaseOwner, bool dataChanged, bool release)
    {
        var cmd = Command(UpdateFlowSql);
        var p = cmd.Parameters;
        p.Add(P(Positional, f.Id));
        p.Add(P(Positional, f.State.ToName()));
        p.Add(P(Positional, (int?)f.Position));
        p.Add(P(Positional, f.WaitReason));
        p.Add(P(Positional, Json(f.Result)));
        p.Add(P(Positional, f.Error));
        p.Add(P(Positional, (int?)f.Generation));
        p.Add(P(Positional, Ms(f.UpdatedAt)));
        p.Add(P(Positional, Ms(f.NextRunAt)));
        p.Add(P(Positional, dataChanged));
        p.Add(P(Positional, dataChanged ? Json(f.Data) : null));
        p.Add(P(Positional, release));
        p.Add(P(Positional, leaseOwner));
        return cmd;
    }

    private static void BindFlowColumns(NpgsqlBatchCommand cmd, FlowRecord f)
    {
        var p = cmd.Parameters;
        p.Add(P("label", f.Label));
        p.Add(P("owner", f.Owner));
        p.Add(P("routine", f.Routine));
        p.Add(P("routine_version", f.RoutineVersion));
        p.Add(P("spec_hash", SpecHash.Of(f.SpecJson)));
        p.Add(P("state", f.State.ToName()));
        p.Add(P("position", (int?)f.Position));
        p.Add(P("input", Json(f.Input)));
        p.Add(P("wait_reason", f.WaitReason));
        p.Add(P("result", Json(f.Result)));
        p.Add(P("error", f.Error));
        p.Add(P("parent_flow_id", f.ParentFlowId));
        p.Add(P("parent_step_key", f.ParentStepKey));
        p.Add(P("parent_child_index", (int?)f.ParentChildIndex));
        p.Add(P("generation", (int?)f.Generation));
        p.Add(P("updated_at", Ms(f.UpdatedAt)));
        p.Add(P("next_run_at", Ms(f.NextRunAt)));
    }

    public static NpgsqlBatchCommand UpsertStep(string flowId, StepRecord s) =>
        StepCommand(flowId, s, "INSERT INTO steps (" + StepColumns + ") VALUES (" + StepValues + ")" + StepUpsertTail);

    private static NpgsqlBatchCommand StepCommand(string flowId, StepRecord s, string sql)
    {
        CheckStepOwner(flowId, s);
        var cmd = Command(sql);
        var p = cmd.Parameters;
        p.Add(P(Positional, flowId));
        p.Add(P(Positional, (int?)s.Index));
        p.Add(P(Positional, s.Key));
        p.Add(P(Positional, s.TaskType));
        p.Add(P(Positional, s.State.ToName()));
        p.Add(P(Positional, Json(s.Result)));
        p.Add(P(Positional, s.Error));
        p.Add(P(Positional, s.ErrorDetail));
        p.Add(P(Positional, (int?)s.Attempts));
        p.Add(P(Positional, Ms(s.StartedAt)));
        p.Add(P(Positional, Ms(s.FinishedAt)));
        p.Add(P(Positional, Ms(s.NotBefore)));
        p.Add(P(Positional, s.WaitReason));
        p.Add(P(Positional, s.WaitEvent));
        p.Add(P(Positional, Ms(s.WaitUntil)));
        p.Add(P(Positional, s.ResumeToken));
        p.Add(P(Positional, Json(s.ParamOverrides)));
        p.Add(P(Positional, Json(s.Spawn)));
        return cmd;
    }

    public static NpgsqlBatchCommand HistoryCommand(string flowId, HistoryEvent e, bool conditional = false)
    {
        CheckHistoryOwner(flowId, e);
        var cmd = Command(conditional
            ? "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM flows WHERE id = $1)"
            : "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) VALUES ($1, $2, $3, $4, $5, $6)");
        var p = cmd.Parameters;
        p.Add(P(Positional, flowId));
        p.Add(P(Positional, (long?)e.Seq));
        p.Add(P(Positional, Ms(e.At)));
        p.Add(P(Positional, e.Kind));
        p.Add(P(Positional, e.StepKey));
        p.Add(P(Positional, Json(e.Detail)));
        return cmd;
    }

    /// <summary>Refuses a step of another flow than the one being written.</summary>
    public static void CheckStepOwner(string flowId, StepRecord s)
    {
        if (!string.Equals(s.FlowId, flowId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Step '{s.Key}' belongs to flow '{s.FlowId}', not to flow '{flowId}' being written.");
        }
    }

    /// <summary>Refuses a history event of another flow than the one being written.</summary>
    public static void CheckHistoryOwner(string flowId, HistoryEvent e)
    {
        if (!string.Equals(e.FlowId, flowId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"History event {e.Seq} belongs to flow '{e.FlowId}', not to flow '{flowId}' being written.");
        }
    }

    /// <summary>Makes the flow due at <paramref name="at"/> (unless due earlier) and queues a command, only if the flow exists.</summary>
    public static NpgsqlBatchCommand EnqueueCommand(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset at)
    {
        var cmd = Command("WITH t AS (" + MakeDueSql + " RETURNING id) " +
            "INSERT INTO commands (flow_id, kind, step_key, payload, actor, at) SELECT t.id, @kind, @step_key, @payload, @actor, @at FROM t");
        var p = cmd.Parameters;
        p.Add(P("id", flowId));
        p.Add(P("at", Ms(at)));
        p.Add(P("kind", kind));
        p.Add(P("step_key", stepKey));
        p.Add(P("payload", Json(payload)));
        p.Add(P("actor", actor));
        return cmd;
    }

    /// <summary>Makes the flow due at <paramref name="at"/> and adds an event, only if the flow exists.</summary>
    public static NpgsqlBatchCommand AddEvent(string flowId, string name, JsonNode? value, DateTimeOffset at)
    {
        var cmd = Command("WITH t AS (" + MakeDueSql + " RETURNING id) " +
            "INSERT INTO events (flow_id, name, value, at) SELECT t.id, @name, @value, @at FROM t");
        var p = cmd.Parameters;
        p.Add(P("id", flowId));
        p.Add(P("at", Ms(at)));
        p.Add(P("name", name));
        p.Add(P("value", Json(value)));
        return cmd;
    }

    /// <summary>On release: due again when commands wait or events newer than the engine has seen came in.</summary>
    public static NpgsqlBatchCommand DueAgainIfInputWaits(string flowId, long knownEventId, DateTimeOffset at)
    {
        var cmd = Command(MakeDueSql + " AND (EXISTS (SELECT 1 FROM commands WHERE flow_id = @id) " +
            "OR EXISTS (SELECT 1 FROM events WHERE flow_id = @id AND id > @known))");
        cmd.Parameters.Add(P("id", flowId));
        cmd.Parameters.Add(P("at", Ms(at)));
        cmd.Parameters.Add(P("known", (long?)knownEventId));
        return cmd;
    }

    public static NpgsqlBatchCommand DeleteCommands(string flowId, IReadOnlyList<long> ids)
    {
        var cmd = Command("DELETE FROM commands WHERE flow_id = @flow_id AND id = ANY(@ids)");
        cmd.Parameters.Add(P("flow_id", flowId));
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids.ToArray() });
        return cmd;
    }

    public static NpgsqlBatchCommand DeleteEvents(string flowId, IReadOnlyList<long> ids)
    {
        var cmd = Command("DELETE FROM events WHERE flow_id = @flow_id AND id = ANY(@ids)");
        cmd.Parameters.Add(P("flow_id", flowId));
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids.ToArray() });
        return cmd;
    }

    /// <summary>A row whose one column <c>has_commands</c> says whether commands wait for the flow.</summary>
    public static NpgsqlBatchCommand HasCommands(string flowId)
    {
        var cmd = Command("SELECT EXISTS (SELECT 1 FROM commands WHERE flow_id = $1) AS has_commands");
        cmd.Parameters.Add(P(Positional, flowId));
        return cmd;
    }

    /// <summary>Wakes listeners in every process once the transaction commits (duplicates in one transaction fold into one).</summary>
    public static NpgsqlBatchCommand Notify(string channel, string? onlyIfDueFlowId = null)
    {
        var cmd = Command(onlyIfDueFlowId is null
            ? "SELECT pg_notify(@channel, '')"
            : "SELECT pg_notify(@channel, '') FROM flows WHERE id = @id AND next_run_at IS NOT NULL");
        cmd.Parameters.Add(P("channel", channel));
        if (onlyIfDueFlowId is not null)
        {
            cmd.Parameters.Add(P("id", onlyIfDueFlowId));
        }

        return cmd;
    }

    // --- Readers -----------------------------------------------------------------------------

    public static FlowRecord ReadFlow(NpgsqlDataReader r)
    {
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
        };
    }

    public static StepRecord ReadStep(NpgsqlDataReader r) => new()
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
    };

    public static HistoryEvent ReadHistory(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Time(r.GetInt64(2)), r.GetString(3), Str(r, 4), ParseJson(r, 5));

    public static FlowCommand ReadCommand(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), ParseJson(r, 4), Str(r, 5), Time(r.GetInt64(6)));

    public static FlowEvent ReadEvent(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), ParseJson(r, 3), Time(r.GetInt64(4)));

    public static RoutineRecord ReadRoutine(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt32(1), r.GetString(2), Str(r, 3), Time(r.GetInt64(4)));

    // --- Values ------------------------------------------------------------------------------

    public static NpgsqlBatchCommand Command(string sql) => new(sql);

    /// <summary>The name of a positional parameter (<c>$1</c>, <c>$2</c>, … in the order added): none.</summary>
    public const string Positional = "";

    public static NpgsqlParameter P(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter P(string name, long? value) => new(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter P(string name, int? value) => new(name, NpgsqlDbType.Integer) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter P(string name, bool value) => new(name, NpgsqlDbType.Boolean) { Value = value };

    public static NpgsqlParameter P(string name, string[] values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values };

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string? Json(JsonNode? node) => node?.ToJsonString();

    private static JsonNode? ParseJson(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : JsonNode.Parse(r.GetString(i));
}
