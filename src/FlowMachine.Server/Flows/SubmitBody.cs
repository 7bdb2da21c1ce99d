using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/{id}/submit</c>.</summary>
/// <param name="Args">Passed to the waiting step's check.</param>
/// <param name="Step">The waiting step's key, when several wait.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record SubmitBody(JsonNode? Args, string? Step);
