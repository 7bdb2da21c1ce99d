using System.Text.Json.Nodes;

namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/{id}/submit</c>.</summary>
/// <param name="Args">Passed to the waiting step's check.</param>
/// <param name="Step">The waiting step's key, when several wait.</param>
internal sealed record SubmitBody(JsonNode? Args, string? Step);
