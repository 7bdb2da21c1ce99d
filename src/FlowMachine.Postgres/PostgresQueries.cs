using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace FlowMachine.Postgres;

/// <summary>
/// The hand-written SQL, statement builders and the mapping between rows and records. Statements are
/// built as batch commands so that one round trip carries everything a write needs.
/// </summary>
internal static partial class PostgresQueries
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
        "parent_flow_id, parent_step_key, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at, schedule, slot, suspended::bigint, priority, route, trace_parent, deadline";

    public const string FlowInsertColumns =
        "id, key, label, owner, routine, routine_version, spec_hash, state, position, input, data, wait_reason, result, error, " +
        "parent_flow_id, parent_step_key, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at, schedule, slot, priority, trace_parent, deadline";

    public const string StepColumns =
        "flow_id, idx, key, task_type, state, result, error, error_detail, attempts, started_at, finished_at, not_before, " +
        "wait_reason, wait_event, wait_until, resume_token, param_overrides, spawn, recoveries, wait_key";

    private const string InsertFlowSql =
        "INSERT INTO flows (" + FlowInsertColumns + ") VALUES (@id, @key, @label, @owner, @routine, @routine_version, @spec_hash, @state, @position, " +
        "@input, @data, @wait_reason, @result, @error, @parent_flow_id, @parent_step_key, @parent_child_index, @generation, @created_at, " +
        "@updated_at, @next_run_at, @lease_owner, @lease_expires_at, @schedule, @slot, @priority, @trace_parent, @deadline) ON CONFLICT (key) DO NOTHING";

    // The values of one step's upsert. Positional ($n), as every statement a step runs: Npgsql sends those as they are, where named
    // parameters make it parse and rewrite the SQL text at every execution.
    private const string StepValues =
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20";

    public const string StepUpsertTail =
        " ON CONFLICT (flow_id, key) DO UPDATE SET idx = excluded.idx, task_type = excluded.task_type, state = excluded.state, " +
        "result = excluded.result, error = excluded.error, error_detail = excluded.error_detail, attempts = excluded.attempts, " +
        "started_at = excluded.started_at, finished_at = excluded.finished_at, not_before = excluded.not_before, " +
        "wait_reason = excluded.wait_reason, wait_event = excluded.wait_event, wait_until = excluded.wait_until, " +
        "resume_token = excluded.resume_token, param_overrides = excluded.param_overrides, spawn = excluded.spawn, recoveries = excluded.recoveries, " +
        "wait_key = excluded.wait_key";

    // Only what a transition can change: the spec, input, identity and parent links are written once, at
    // creation (sending the spec again at every step would cost its whole text each time). Data and the
    // lease only when asked. The lease check is in the WHERE; check_lease turns "no row" into an error
    // that stops the batch.
    private const string UpdateFlowSql =
        "WITH u AS (UPDATE flows SET state = $2, position = $3, data = CASE WHEN $10 THEN $11 ELSE data END, " +
        "wait_reason = $4, result = $5, error = $6, generation = $7, updated_at = $8, next_run_at = $9, deadline = $14, " +
        "lease_owner = CASE WHEN $12 THEN NULL ELSE lease_owner END, " +
        "lease_expires_at = CASE WHEN $12 THEN NULL ELSE lease_expires_at END " +
        "WHERE id = $1 AND lease_owner = $13 RETURNING 1) " +
        "SELECT check_lease((SELECT count(*) FROM u), $1)";

    private const string MakeDueSql =
        "UPDATE flows SET next_run_at = CASE WHEN next_run_at IS NULL OR next_run_at > @at THEN @at ELSE next_run_at END, route = NULL WHERE id = @id";

    public static NpgsqlBatchCommand Command(string sql) => new(sql);

    /// <summary>The name of a positional parameter (<c>$1</c>, <c>$2</c>, … in the order added): none.</summary>
    public const string Positional = "";

    public static NpgsqlParameter P(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter P(string name, long? value) => new(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter P(string name, int? value) => new(name, NpgsqlDbType.Integer) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter P(string name, bool value) => new(name, NpgsqlDbType.Boolean) { Value = value };

    public static NpgsqlParameter P(string name, string[] values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values };

    /// <summary>The <c>@routes</c> of a claim: the routes a worker accepts, or null for any.</summary>
    public static NpgsqlParameter Routes(Routing.RouteSet? routes) =>
        new("routes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = routes is null ? DBNull.Value : routes.Array as string[] ?? [.. routes.Array] };

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string? Json(JsonNode? node) => node?.ToJsonString();
}
