using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>The answer of <c>GET /api/v1/hooks</c>: the hooks the caller may see (an administrator: all), by name.</summary>
/// <param name="Items">The hooks.</param>
public sealed record HookListDocument([property: JsonPropertyName("items")] IReadOnlyList<HookDocument> Items);
