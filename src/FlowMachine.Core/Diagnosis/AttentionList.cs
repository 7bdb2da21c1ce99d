using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>The flows that need attention at <see cref="At"/>, most urgent reason first, then oldest first.</summary>
public sealed record AttentionList
{
    /// <summary>A due flow unclaimed for longer than this many seconds is listed.</summary>
    [JsonPropertyName("thresholdSeconds")]
    public double ThresholdSeconds { get; init; }

    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    [JsonPropertyName("items")]
    public IReadOnlyList<AttentionItem> Items { get; init; } = [];
}
