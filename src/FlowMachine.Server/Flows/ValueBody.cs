using System.Text.Json.Nodes;

namespace FlowMachine.Server.Flows;

/// <summary>A body that carries one optional value (events and resume URLs).</summary>
/// <param name="Value">The value.</param>
internal sealed record ValueBody(JsonNode? Value);
