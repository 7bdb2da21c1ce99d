using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>A hook's start action: each delivery starts a flow of a stored routine, its input and key mapped from the delivery.</summary>
/// <param name="Routine">The stored routine's name (its newest version at each delivery).</param>
/// <param name="Input">The flow's input: each field's value is a path into the delivery (<c>$body</c>, <c>$body.order.id</c>, <c>$body.items[0]</c> or <c>$delivery</c>).</param>
/// <param name="Key">The flow's key as a path (<c>$body.order.id</c> or <c>$delivery</c>): a delivery mapping to a key already used returns that flow and starts none. Null: no key.</param>
public sealed record HookStart(
    [property: JsonPropertyName("routine")] string? Routine,
    [property: JsonPropertyName("input")] IReadOnlyDictionary<string, string>? Input = null,
    [property: JsonPropertyName("key")] string? Key = null);
