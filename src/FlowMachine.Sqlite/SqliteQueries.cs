using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// The hand-written SQL and the mapping between rows and records. Every method runs on the connection
/// of the given cache, so the same code serves the writer (inside its transaction) and the readers.
/// </summary>
internal static partial class SqliteQueries
{
    public const string FlowColumns = FlowInsertColumns + ", suspended, priority, route, trace_parent, deadline";

    private const string FlowInsertColumns =
        "id, key, label, owner, routine, routine_version, spec_hash, state, position, input, data, wait_reason, result, error, " +
        "parent_flow_id, parent_step_key, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at, " +
        "schedule, slot";

    public const string StepColumns =
        "flow_id, idx, key, task_type, state, result, error, error_detail, attempts, started_at, finished_at, not_before, " +
        "wait_reason, wait_event, wait_until, resume_token, param_overrides, spawn, recoveries, wait_key";

    // Positional parameters, in FlowColumns order (spec_hash in the place of the spec): bound by SqliteStatement.
    private const string InsertFlowSql =
        "INSERT INTO flows (" + FlowInsertColumns + ", priority, trace_parent, deadline) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, " +
        "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28) ON CONFLICT (key) DO NOTHING";

    // Identity columns (id, key, created_at) stay as created; data only when asked. Only what a transition
    // can change: the spec, input, identity and parent links are written once, at creation. SQLite
    // rewrites the entries of every index whose columns an UPDATE names, whatever the values: the state
    // is named only when it changed (flows_state), the lease columns only when the lease is let go
    // (flows_leased). The four forms, by [release, state changed]:
    private static readonly string[] UpdateFlowSql = [UpdateFlowHoldSql, UpdateFlowHoldStateSql, UpdateFlowReleaseSql, UpdateFlowReleaseStateSql];

    private const string UpdateFlowHoldSql = UpdateFlowSetSql + UpdateFlowWhereSql;
    private const string UpdateFlowHoldStateSql = UpdateFlowSetSql + ", state = ?2" + UpdateFlowWhereSql;
    private const string UpdateFlowReleaseSql = UpdateFlowSetSql + ", lease_owner = NULL, lease_expires_at = NULL" + UpdateFlowWhereSql;
    private const string UpdateFlowReleaseStateSql = UpdateFlowSetSql + ", state = ?2, lease_owner = NULL, lease_expires_at = NULL" + UpdateFlowWhereSql;

    private const string UpdateFlowSetSql =
        "UPDATE flows SET position = ?3, data = CASE WHEN ?4 THEN ?5 ELSE data END, " +
        "wait_reason = ?6, result = ?7, error = ?8, generation = ?9, updated_at = ?10, next_run_at = ?11, deadline = ?13";

    // No RETURNING: SQLite gathers the rows an UPDATE returns in a temporary table of their own, whose pages
    // it allocates and frees on every run (about 150 KB, given back to the system each time, then faulted in
    // again): a step's commit paid more for that than for the count below.
    private const string UpdateFlowWhereSql = " WHERE id = ?1 AND lease_owner = ?12";

    private const string CountCommandsSql = "SELECT COUNT(*) FROM commands WHERE flow_id = ?1";

    /// <summary>Inserts a flow with its steps and history; false (and nothing written) when its key is taken.</summary>
    public static bool InsertFlow(SqliteCommandCache db, NewFlow flow)
    {
        var f = flow.Flow;
        var specHash = SqliteSpecs.Hash(f.SpecJson);
        var inserted = db.Prepared(InsertFlowSql)
            .Text(1, f.Id)
            .Text(2, f.Key)
            .Text(3, f.Label)
            .Text(4, f.Owner)
            .Text(5, f.Routine)
            .Int(6, f.RoutineVersion)
            .Text(7, specHash)
            .Text(8, f.State.ToName())
            .Int(9, f.Position)
            .Text(10, Json(f.Input))
            .Text(11, Json(f.Data))
            .Text(12, f.WaitReason)
            .Text(13, Json(f.Result))
            .Text(14, f.Error)
            .Text(15, f.ParentFlowId)
            .Text(16, f.ParentStepKey)
            .Int(17, f.ParentChildIndex)
            .Int(18, f.Generation)
            .Int(19, Ms(f.CreatedAt))
            .Int(20, Ms(f.UpdatedAt))
            .Int(21, Ms(f.NextRunAt))
            .Text(22, f.LeaseOwner)
            .Int(23, Ms(f.LeaseExpiresAt))
            .Text(24, f.Schedule)
            .Int(25, Ms(f.Slot))
            .Int(26, f.Priority)
            .Text(27, f.TraceParent)
            .Int(28, Ms(f.Deadline))
            .Execute();
        if (inserted == 0)
        {
            return false;
        }

        db.Prepared("INSERT INTO specs (hash, spec_json) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING")
            .Text(1, specHash)
            .Text(2, f.SpecJson)
            .Execute();

        SqliteStepRows.Insert(db, f.Id, flow.Steps);

        InsertLabels(db, f);

        SqliteHistory.Insert(db, f.Id, flow.History);

        return true;
    }

    /// <summary>
    /// Writes the flow row of a transition; returns the flow's commands waiting then, or null when
    /// <paramref name="leaseOwner"/> does not hold the flow.
    /// </summary>
    public static long? UpdateFlow(SqliteCommandCache db, FlowRecord f, string leaseOwner, bool dataChanged, bool stateChanged, bool release) =>
        WriteFlowRow(db, f, leaseOwner, dataChanged, stateChanged, release) == 0
            ? null
            : db.Prepared(CountCommandsSql).Text(1, f.Id).ScalarInt() ?? 0;

    private static int WriteFlowRow(SqliteCommandCache db, FlowRecord f, string leaseOwner, bool dataChanged, bool stateChanged, bool release) =>
        db.Prepared(UpdateFlowSql[(release ? 2 : 0) + (stateChanged ? 1 : 0)])
            .Text(1, f.Id)
            .Text(2, stateChanged ? f.State.ToName() : null)
            .Int(3, f.Position)
            .Int(4, dataChanged ? 1 : 0)
            .Text(5, dataChanged ? Json(f.Data) : null)
            .Text(6, f.WaitReason)
            .Text(7, Json(f.Result))
            .Text(8, f.Error)
            .Int(9, f.Generation)
            .Int(10, Ms(f.UpdatedAt))
            .Int(11, Ms(f.NextRunAt))
            .Text(12, leaseOwner)
            .Int(13, Ms(f.Deadline))
            .Execute();

    /// <summary>Points the flow's next run at <paramref name="at"/> unless it is due earlier; false when the flow does not exist.</summary>
    public static bool MakeDue(SqliteCommandCache db, string flowId, DateTimeOffset at) =>
        db.Prepared("UPDATE flows SET next_run_at = CASE WHEN next_run_at IS NULL OR next_run_at > ?2 THEN ?2 ELSE next_run_at END, route = NULL WHERE id = ?1")
            .Text(1, flowId)
            .Int(2, Ms(at))
            .Execute() == 1;

    public static void InsertCommand(SqliteCommandCache db, string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset at)
    {
        var cmd = db.Get("INSERT INTO commands (flow_id, kind, step_key, payload, actor, at) VALUES (@flow_id, @kind, @step_key, @payload, @actor, @at)");
        Add(cmd, "@flow_id", flowId);
        Add(cmd, "@kind", kind);
        Add(cmd, "@step_key", stepKey);
        Add(cmd, "@payload", Json(payload));
        Add(cmd, "@actor", actor);
        Add(cmd, "@at", Ms(at));
        cmd.ExecuteNonQuery();
    }

    public static bool HasEventsAfter(SqliteCommandCache db, string flowId, long knownEventId) =>
        db.Prepared("SELECT EXISTS (SELECT 1 FROM events WHERE flow_id = ?1 AND id > ?2)").Text(1, flowId).Int(2, knownEventId).ScalarInt() != 0;

    /// <summary>Deletes a command of the flow; returns the rows deleted (0 when it was gone).</summary>
    public static int DeleteCommand(SqliteCommandCache db, string flowId, long id)
    {
        var cmd = db.Get("DELETE FROM commands WHERE id = @id AND flow_id = @flow_id");
        Add(cmd, "@id", id);
        Add(cmd, "@flow_id", flowId);
        return cmd.ExecuteNonQuery();
    }

    public static void InsertEvent(SqliteCommandCache db, string flowId, string name, JsonNode? value, DateTimeOffset at, string? key = null)
    {
        var cmd = db.Get("INSERT INTO events (flow_id, name, value, at, key) VALUES (@flow_id, @name, @value, @at, @key)");
        Add(cmd, "@flow_id", flowId);
        Add(cmd, "@key", key);
        Add(cmd, "@name", name);
        Add(cmd, "@value", Json(value));
        Add(cmd, "@at", Ms(at));
        cmd.ExecuteNonQuery();
    }

    public static void DeleteEvent(SqliteCommandCache db, string flowId, long id)
    {
        var cmd = db.Get("DELETE FROM events WHERE id = @id AND flow_id = @flow_id");
        Add(cmd, "@id", id);
        Add(cmd, "@flow_id", flowId);
        cmd.ExecuteNonQuery();
    }

    public static void Add(SqliteCommand cmd, string name, object? value) => cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    internal static string? Json(JsonNode? node) => node?.ToJsonString();
}
