using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/{id}/position</c>.</summary>
/// <param name="Position">The index of the step that runs next.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record PositionBody(int? Position);
