using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>Turns task values into JSON nodes, never into strings.</summary>
public static class OutcomeJson
{
    /// <summary>Options used to serialize task values: camelCase property names.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Converts any value into a detached JSON node.</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.Parent is null ? node : node.DeepClone(),
        JsonElement element => JsonSerializer.SerializeToNode(element, Options),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), Options),
    };
}
