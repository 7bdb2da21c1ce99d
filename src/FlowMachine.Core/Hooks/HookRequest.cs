using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>The body of <c>POST /api/v1/hooks</c>: a name and exactly one action.</summary>
/// <param name="Name">The hook's name: 1 to 100 letters, digits, '.', '_' and '-'; the last segment of its URL.</param>
/// <param name="Start">Start a routine with each delivery.</param>
/// <param name="Event">Raise an event by key with each delivery.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
public sealed record HookRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("start")] HookStart? Start = null,
    [property: JsonPropertyName("event")] HookEvent? Event = null);
