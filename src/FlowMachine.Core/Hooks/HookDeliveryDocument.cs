using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>The answer to a delivery (and, unchanged, to each redelivery of it): what the hook did.</summary>
/// <param name="Hook">The hook's name.</param>
/// <param name="Delivery">The delivery id.</param>
/// <param name="Action"><c>start</c> or <c>event</c>.</param>
/// <param name="FlowId">The flow started (or, for a key already used, the flow holding it); null for an event.</param>
/// <param name="Created">Whether this delivery created the flow (false: its key returned an existing flow); null for an event.</param>
/// <param name="Event">The event raised; null for a start.</param>
/// <param name="Key">The flow's key or the event's correlation key, as mapped; null for a start without key.</param>
/// <param name="Reached">How many waiting flows the event reached now; null for a start.</param>
public sealed record HookDeliveryDocument(
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("delivery")] string Delivery,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("flowId")] string? FlowId,
    [property: JsonPropertyName("created")] bool? Created,
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("reached")] int? Reached);
