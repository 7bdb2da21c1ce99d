using System.Text.Json.Serialization;

namespace FlowMachine.Engine;

/// <summary>A parameter of a task type.</summary>
/// <param name="Name">Its name in <c>task_params</c>.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Required">Whether a step must give it.</param>
/// <param name="Secret">Whether its value is kept out of history and answers.</param>
public sealed record TaskParamDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("secret")] bool Secret);
