using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Client.Wire;

/// <summary>A step as the API sends it (<c>StepDocument</c>, with a waiting step's fields).</summary>
internal sealed record WireStep
{
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("taskType")] public required string TaskType { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("result")] public JsonNode? Result { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("errorDetail")] public string? ErrorDetail { get; init; }
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("recoveries")] public int Recoveries { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("finishedAt")] public DateTimeOffset? FinishedAt { get; init; }
    [JsonPropertyName("heldBack")] public string? HeldBack { get; init; }
    [JsonPropertyName("notBefore")] public DateTimeOffset? NotBefore { get; init; }
    [JsonPropertyName("progress")] public JsonNode? Progress { get; init; }
    [JsonPropertyName("progressAt")] public DateTimeOffset? ProgressAt { get; init; }
    [JsonPropertyName("waitReason")] public string? WaitReason { get; init; }
    [JsonPropertyName("waitEvent")] public string? WaitEvent { get; init; }
    [JsonPropertyName("waitUntil")] public DateTimeOffset? WaitUntil { get; init; }
    [JsonPropertyName("resumeUrl")] public string? ResumeUrl { get; init; }
}
