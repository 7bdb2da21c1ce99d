using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Server.Events;

/// <summary>An event raised by correlation key.</summary>
/// <param name="Key">The correlation key the flows wait with (required).</param>
/// <param name="Value">The value that becomes the result of each waiting step.</param>
/// <param name="Id">Makes the raise idempotent: an id seen before is ignored.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record RaiseEventBody(string? Key, JsonNode? Value, string? Id);
