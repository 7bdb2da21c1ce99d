using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>A command for another flow, written with a transition.</summary>
public sealed record OutgoingCommand(string FlowId, string Kind, string? StepKey, JsonNode? Payload);
