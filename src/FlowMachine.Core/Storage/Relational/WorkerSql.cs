using System.Data.Common;
using System.Text.Json.Nodes;

namespace FlowMachine.Storage.Relational;

/// <summary>The workers' registry (<see cref="IWorkerRegistry"/>), the same in every SQL dialect FlowMachine supports.</summary>
internal static class WorkerSql
{
    /// <summary>Adds or replaces a worker: <c>@id, @host, @process_id, @queues</c> (a JSON array), <c>@task_types</c> (a JSON object), <c>@started_at, @heartbeat_at</c>.</summary>
    public const string Register =
        "INSERT INTO workers (id, host, process_id, queues, task_types, started_at, heartbeat_at) " +
        "VALUES (@id, @host, @process_id, @queues, @task_types, @started_at, @heartbeat_at) ON CONFLICT (id) DO UPDATE SET " +
        "host = excluded.host, process_id = excluded.process_id, queues = excluded.queues, task_types = excluded.task_types, " +
        "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at";

    public const string Beat = "UPDATE workers SET heartbeat_at = @at WHERE id = @id";

    public const string Remove = "DELETE FROM workers WHERE id = @id";

    public const string RemoveSilent = "DELETE FROM workers WHERE heartbeat_at < @before";

    public const string List = "SELECT id, host, process_id, queues, task_types, started_at, heartbeat_at FROM workers ORDER BY id";

    /// <summary>Due, unleased, not held flows by route (<c>@now</c>): route, count, oldest due time.</summary>
    public const string Depths =
        "SELECT route, COUNT(*), MIN(next_run_at) FROM flows WHERE next_run_at IS NOT NULL AND next_run_at <= @now " +
        "AND lease_owner IS NULL AND suspended = 0 GROUP BY route ORDER BY route";

    public static string QueuesJson(WorkerRecord w) => new JsonArray([.. w.Queues.Select(q => (JsonNode?)JsonValue.Create(q))]).ToJsonString();

    public static string TaskTypesJson(WorkerRecord w)
    {
        var types = new JsonObject();
        foreach (var (name, queue) in w.TaskTypes.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            types[name] = queue;
        }

        return types.ToJsonString();
    }

    /// <summary>A worker from the columns of <see cref="List"/>.</summary>
    public static WorkerRecord Read(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Host = r.GetString(1),
        ProcessId = Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
        Queues = JsonNode.Parse(r.GetString(3)) is JsonArray queues ? [.. queues.Select(q => q!.GetValue<string>())] : [],
        TaskTypes = JsonNode.Parse(r.GetString(4)) is JsonObject types
            ? types.ToDictionary(t => t.Key, t => t.Value!.GetValue<string>(), StringComparer.Ordinal)
            : new Dictionary<string, string>(),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        HeartbeatAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
    };

    /// <summary>A depth from the columns of <see cref="Depths"/>.</summary>
    public static RouteDepth ReadDepth(DbDataReader r) =>
        new(r.IsDBNull(0) ? null : r.GetString(0), (int)r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)));
}
