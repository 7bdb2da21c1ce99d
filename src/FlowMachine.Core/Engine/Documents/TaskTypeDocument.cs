using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowMachine.Registry;

namespace FlowMachine.Engine;

/// <summary>A task type: its name, description, params (required, secret), check, defaults and source.</summary>
/// <param name="Name">The type's name.</param>
/// <param name="Description">What it does.</param>
/// <param name="Params">Its parameters.</param>
/// <param name="HasCheck">Whether a waiting step of it runs a check on resubmit.</param>
/// <param name="MaxAttempts">Its default attempts (0: the engine's default).</param>
/// <param name="TimeoutSeconds">Its default timeout (0: none).</param>
/// <param name="Source">The assembly or folder it came from.</param>
/// <param name="ParamsSchema">The JSON Schema of its params, for a typed task; null (and left out of the JSON) otherwise.</param>
public sealed record TaskTypeDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("params")] IReadOnlyList<TaskParamDocument> Params,
    [property: JsonPropertyName("hasCheck")] bool HasCheck,
    [property: JsonPropertyName("maxAttempts")] int MaxAttempts,
    [property: JsonPropertyName("timeoutSeconds")] double TimeoutSeconds,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("paramsSchema"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? ParamsSchema = null)
{
    /// <summary>The documents of <paramref name="types"/>, in their order.</summary>
    public static IReadOnlyList<TaskTypeDocument> Of(IEnumerable<TaskTypeInfo> types) =>
        [.. types.Select(t => new TaskTypeDocument(
            t.Name,
            t.Description,
            [.. t.Params.Select(p => new TaskParamDocument(p.Name, p.Description, p.Required, p.Secret))],
            t.HasCheck,
            t.MaxAttempts,
            t.TimeoutSeconds,
            t.Source,
            (JsonObject?)t.ParamsSchema?.DeepClone()))];
}
