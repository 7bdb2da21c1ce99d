using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>A named event raised for a flow, kept until a step waits for it.</summary>
public sealed record FlowEvent(long Id, string FlowId, string Name, JsonNode? Value, DateTimeOffset At);
