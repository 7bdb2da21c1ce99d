using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>The flow completes early.</summary>
public sealed record DoneOutcome(JsonNode? Value) : Outcome;
