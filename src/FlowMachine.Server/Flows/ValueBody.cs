using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>A body that carries one optional value (events and resume URLs).</summary>
/// <param name="Value">The value.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record ValueBody(JsonNode? Value);
