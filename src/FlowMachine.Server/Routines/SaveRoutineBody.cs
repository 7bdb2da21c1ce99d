using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Server.Routines;

/// <summary>The body of <c>POST /api/v1/routines</c>.</summary>
/// <param name="Name">The routine's name.</param>
/// <param name="Spec">The spec in the seed format as a JSON object or list of task names, or spec text (JSON or YAML) as a string.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record SaveRoutineBody(string? Name, JsonNode? Spec);
