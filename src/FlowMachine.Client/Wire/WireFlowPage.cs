using System.Text.Json.Serialization;

namespace FlowMachine.Client.Wire;

/// <summary>A page of flows as the API sends it (<c>FlowListDocument</c>).</summary>
internal sealed record WireFlowPage(
    [property: JsonPropertyName("items")] IReadOnlyList<WireFlow> Items,
    [property: JsonPropertyName("next")] string? Next);
