using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>One history event of a flow.</summary>
/// <param name="Seq">Its place in the flow's history, from 1.</param>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened, such as <c>flow.created</c>.</param>
/// <param name="Step">The step it concerns, if any.</param>
/// <param name="Detail">More about it.</param>
public sealed record HistoryDocument(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("step")] string? Step,
    [property: JsonPropertyName("detail")] JsonNode? Detail)
{
    /// <summary>The document of <paramref name="e"/>.</summary>
    public static HistoryDocument Of(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Seq, e.At, e.Kind, e.StepKey, e.Detail);
    }
}
