using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowMachine.Routing;

namespace FlowMachine.Client.Wire;

/// <summary>A flow as the API sends it: a <c>FlowDocument</c>, or a list's summary (without input, data, result and steps).</summary>
internal sealed record WireFlow
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("key")] public string? Key { get; init; }
    [JsonPropertyName("label")] public string? Label { get; init; }
    [JsonPropertyName("routine")] public string? Routine { get; init; }
    [JsonPropertyName("version")] public int? Version { get; init; }
    [JsonPropertyName("owner")] public string? Owner { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("position")] public int Position { get; init; }
    [JsonPropertyName("waitReason")] public string? WaitReason { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("parentFlowId")] public string? ParentFlowId { get; init; }
    [JsonPropertyName("nextRunAt")] public DateTimeOffset? NextRunAt { get; init; }
    [JsonPropertyName("schedule")] public string? Schedule { get; init; }
    [JsonPropertyName("slot")] public DateTimeOffset? Slot { get; init; }
    [JsonPropertyName("suspended")] public bool Suspended { get; init; }
    [JsonPropertyName("routinePaused")] public bool RoutinePaused { get; init; }
    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updatedAt")] public DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("input")] public JsonNode? Input { get; init; }
    [JsonPropertyName("data")] public JsonObject? Data { get; init; }
    [JsonPropertyName("result")] public JsonNode? Result { get; init; }
    [JsonPropertyName("steps")] public IReadOnlyList<WireStep>? Steps { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string>? Tags { get; init; }
    [JsonPropertyName("attributes")] public IReadOnlyDictionary<string, string>? Attributes { get; init; }
    [JsonPropertyName("priority")] public int Priority { get; init; }
    [JsonPropertyName("waitingForWorker")] public WorkerWait? WaitingForWorker { get; init; }
    [JsonPropertyName("deadline")] public DateTimeOffset? Deadline { get; init; }
}
