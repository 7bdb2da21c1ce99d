using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows</c>: a stored routine or an inline spec, and the flow's input.</summary>
/// <param name="Routine">A stored routine's name.</param>
/// <param name="Version">The routine version; the newest when absent.</param>
/// <param name="Spec">An inline spec (JSON document, or JSON/YAML text in a string) instead of a routine.</param>
/// <param name="Input">The flow's input.</param>
/// <param name="Key">A unique key; a start with an existing key returns that flow.</param>
/// <param name="Label">A label.</param>
/// <param name="Tags">Tags for the flow, besides the spec's <c>cfg.tags</c> (find flows by them).</param>
/// <param name="Priority">The flow's priority, from -1000 to 1000: workers take due flows of a higher one first. Overrides the spec's <c>cfg.priority</c>; 0 when neither gives one.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record StartFlowBody(string? Routine, int? Version, JsonNode? Spec, JsonNode? Input, string? Key, string? Label, IReadOnlyList<string>? Tags = null, int? Priority = null);
