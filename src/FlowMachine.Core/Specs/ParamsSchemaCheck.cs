using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>
/// Checks a typed task's literal params against its params schema when the spec compiles: an unknown param,
/// or a literal of the wrong JSON type (or not one of an enum's names), is an error at its path. A string with a
/// template (<c>$input.x</c>, <c>${data.y}</c>) is known only when the step runs and is not checked, nor is
/// what it holds.
/// </summary>
internal static class ParamsSchemaCheck
{
    private const int MaxDepth = 16;

    /// <param name="taskParams">The step's literal <c>task_params</c>.</param>
    /// <param name="schema">The task type's params schema.</param>
    /// <param name="path">The spec path of <paramref name="taskParams"/>, such as <c>tasks[2].task_params</c>.</param>
    /// <param name="taskType">The task type, for messages.</param>
    /// <param name="report">Receives the path, the message and the node of each error (for its line).</param>
    public static void Check(JsonObject taskParams, JsonObject schema, string path, string taskType, Action<string, string, JsonNode?> report) =>
        CheckObject(taskParams, schema, path, taskType, report, 0);

    private static void CheckObject(JsonObject value, JsonObject schema, string path, string taskType, Action<string, string, JsonNode?> report, int depth)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (name, child) in value)
        {
            var childPath = SpecPath.Child(path, name);
            // Params bind by name regardless of case, as the runtime binder does.
            var match = properties.FirstOrDefault(p => p.Key == name).Key ?? properties.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key;
            if (match is not null)
            {
                if (properties[match] is JsonObject property)
                {
                    CheckValue(child, property, childPath, taskType, report, depth + 1);
                }
            }
            else if (schema["additionalProperties"] is JsonValue closed && closed.GetValueKind() == JsonValueKind.False)
            {
                var known = string.Join(", ", properties.Select(p => p.Key));
                report(childPath, $"Task type '{taskType}' has no param '{name}'{Suggest(name, properties)}; its params are: {known}.", child);
            }
        }
    }

    private static void CheckValue(JsonNode? value, JsonObject schema, string path, string taskType, Action<string, string, JsonNode?> report, int depth)
    {
        if (depth > MaxDepth || IsTemplate(value) || schema.ContainsKey("$ref"))
        {
            return;
        }

        var kind = KindOf(value);
        if (schema["enum"] is JsonArray names)
        {
            if (kind is "string" && !names.Any(n => n?.GetValueKind() == JsonValueKind.String && string.Equals(n.GetValue<string>(), value!.GetValue<string>(), StringComparison.OrdinalIgnoreCase)))
            {
                report(path, $"Task type '{taskType}' takes one of {string.Join(", ", names.Select(n => n?.ToJsonString() ?? "null"))} here, not {value!.ToJsonString()}.", value);
            }

            return;
        }

        var types = schema["type"] switch
        {
            JsonValue one => [one.GetValue<string>()],
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToArray(),
            _ => Array.Empty<string>(),
        };
        if (types.Length > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            report(path, $"Task type '{taskType}' takes {string.Join(" or ", types.Select(Article))} here, not {Article(kind)} ({Shorten(value)}).", value);
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, taskType, report, depth);
                break;
            case JsonArray list when schema["items"] is JsonObject items:
                for (var i = 0; i < list.Count; i++)
                {
                    CheckValue(list[i], items, SpecPath.Index(path, i), taskType, report, depth + 1);
                }

                break;
            default:
                break;
        }
    }

    // What the interpolator would replace when the step runs: a "$path" string or one with a "${path}" in it.
    private static bool IsTemplate(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var text
        && ((text.StartsWith('$') && !text.StartsWith("${", StringComparison.Ordinal)) || text.Contains("${", StringComparison.Ordinal));

    private static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
            _ => "null",
        },
    };

    // As the binder reads it: 5 is an integer, 5.0 and 5e0 are not.
    private static bool IsInteger(JsonNode value) => value.ToJsonString().AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    private static string Article(string kind) => kind switch
    {
        "null" => "null",
        "array" or "object" or "integer" => "an " + kind,
        _ => "a " + kind,
    };

    private static string Shorten(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length <= 40 ? text : text[..37] + "...";
    }

    private static string Suggest(string name, JsonObject properties) =>
        Suggestions.Closest(name, properties.Select(p => p.Key)) is { } near ? $" (did you mean '{near}'?)" : "";
}
