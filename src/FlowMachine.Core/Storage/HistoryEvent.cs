using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>One entry of a flow's history. <see cref="Seq"/> orders a flow's events.</summary>
public sealed record HistoryEvent(string FlowId, long Seq, DateTimeOffset At, string Kind, string? StepKey, JsonNode? Detail);
