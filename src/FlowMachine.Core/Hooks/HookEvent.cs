using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>A hook's event action: each delivery raises an event by correlation key, like <c>POST /api/v1/events/{name}</c>.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Key">The correlation key as a path into the delivery (<c>$body.order.id</c> or <c>$delivery</c>).</param>
/// <param name="Value">The event's value as a path (<c>$body</c>, <c>$body.status</c>); null: the event has no value.</param>
public sealed record HookEvent(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("value")] string? Value = null);
