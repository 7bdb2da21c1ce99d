using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/{id}/cancel</c>.</summary>
/// <param name="Reason">Why the flow is cancelled.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record CancelBody(string? Reason);
