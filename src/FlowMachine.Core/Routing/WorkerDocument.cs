using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Routing;

/// <summary>One registered worker.</summary>
public sealed record WorkerDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("processId")] int ProcessId,
    [property: JsonPropertyName("queues")] IReadOnlyList<string> Queues,
    [property: JsonPropertyName("taskTypes")] IReadOnlyDictionary<string, string> TaskTypes,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("heartbeatAt")] DateTimeOffset HeartbeatAt,
    [property: JsonPropertyName("live")] bool Live)
{
    /// <summary>The document of <paramref name="worker"/>.</summary>
    public static WorkerDocument Of(WorkerRecord worker, bool live)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return new(worker.Id, worker.Host, worker.ProcessId, worker.Queues, new SortedDictionary<string, string>(worker.TaskTypes.ToDictionary(), StringComparer.Ordinal), worker.StartedAt, worker.HeartbeatAt, live);
    }
}
