using System.Text.Json.Nodes;

namespace FlowMachine.Server.Routines;

/// <summary>The body of <c>POST /api/v1/routines</c>.</summary>
/// <param name="Name">The routine's name.</param>
/// <param name="Spec">The spec in the seed format as a JSON object or list of task names, or spec text (JSON or YAML) as a string.</param>
internal sealed record SaveRoutineBody(string? Name, JsonNode? Spec);
