using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Scheduling;

/// <summary>A schedule as the API, the CLI and the dashboard show it: its definition, its next fire times and what it fired last.</summary>
public sealed record ScheduleDocument
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("owner")] public string? Owner { get; init; }
    [JsonPropertyName("routine")] public string? Routine { get; init; }
    [JsonPropertyName("version")] public int? Version { get; init; }
    [JsonPropertyName("spec")] public JsonNode? Spec { get; init; }
    [JsonPropertyName("input")] public JsonNode? Input { get; init; }
    [JsonPropertyName("cron")] public string? Cron { get; init; }

    /// <summary>The interval as text: <c>90s</c>.</summary>
    [JsonPropertyName("every")] public string? Every { get; init; }

    [JsonPropertyName("timeZone")] public required string TimeZone { get; init; }
    [JsonPropertyName("start")] public DateTimeOffset? StartAt { get; init; }
    [JsonPropertyName("end")] public DateTimeOffset? EndAt { get; init; }

    /// <summary><c>skip</c>, <c>buffer</c>, <c>allow</c> or <c>cancel</c>.</summary>
    [JsonPropertyName("overlap")] public required string Overlap { get; init; }

    /// <summary>The catch-up policy: <c>{ "window": "1h", "max": 10 }</c>, or null for "the latest missed slot only".</summary>
    [JsonPropertyName("catchup")] public JsonObject? Catchup { get; init; }

    [JsonPropertyName("tags")] public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The priority of the flows it starts, or null when the spec (else 0) decides.</summary>
    [JsonPropertyName("priority")] public int? Priority { get; init; }

    /// <summary>When it fires, in words: <c>every day at 02:30 (Europe/Berlin)</c>.</summary>
    [JsonPropertyName("description")] public required string Description { get; init; }

    [JsonPropertyName("paused")] public bool Paused { get; init; }
    [JsonPropertyName("note")] public string? Note { get; init; }

    /// <summary>The next fire times (UTC), at most 10; none while paused or once ended.</summary>
    [JsonPropertyName("nextFireTimes")] public IReadOnlyList<DateTimeOffset> NextFireTimes { get; init; } = [];

    [JsonPropertyName("lastSlot")] public DateTimeOffset? LastSlot { get; init; }
    [JsonPropertyName("lastFlowId")] public string? LastFlowId { get; init; }
    [JsonPropertyName("lastFlowState")] public string? LastFlowState { get; init; }

    /// <summary>With the buffer policy: the slot waiting for the last flow to finish.</summary>
    [JsonPropertyName("bufferedSlot")] public DateTimeOffset? BufferedSlot { get; init; }

    /// <summary>Why the last firing started nothing, or null.</summary>
    [JsonPropertyName("lastError")] public string? LastError { get; init; }

    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updatedAt")] public DateTimeOffset UpdatedAt { get; init; }
}
