using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>One flow on the "needs attention" list, with why it is there.</summary>
public sealed record AttentionItem
{
    [JsonPropertyName("flowId")]
    public required string FlowId { get; init; }

    [JsonPropertyName("routine")]
    public string? Routine { get; init; }

    [JsonPropertyName("label")]
    public string? Label { get; init; }

    /// <summary>The flow's state, in capitals.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    /// <summary>Why it is listed (<see cref="AttentionReasons"/>).</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>One sentence for people.</summary>
    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    /// <summary>Since when: the time it fell due, its lease expired, or the lost step started.</summary>
    [JsonPropertyName("since")]
    public DateTimeOffset? Since { get; init; }

    /// <summary>The step concerned, for a lost worker.</summary>
    [JsonPropertyName("stepKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StepKey { get; init; }
}
