using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Registry;

/// <summary>
/// Keeps the values of params marked <c>[TaskParam(..., Secret = true)]</c> out of everything that is shown
/// or stored for people to read: they are masked in specs served back, and scrubbed from step errors
/// before those reach history.
/// </summary>
public static class SecretParams
{
    /// <summary>What a secret value is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>Secrets shorter than this are not scrubbed from free text: replacing every "1" or "ab" would garble the message.</summary>
    public const int MinScrubLength = 3;

    private static readonly JsonSerializerOptions[] Encoders =
    [
        new(),
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping },
    ];

    /// <summary>True when <paramref name="info"/> declares at least one secret param.</summary>
    public static bool Any(TaskTypeInfo? info) => info is not null && info.Params.Any(p => p.Secret);

    /// <summary>A copy of <paramref name="taskParams"/> with the value of every secret param of <paramref name="info"/> replaced by <see cref="Mask"/>.</summary>
    public static JsonObject Redact(JsonObject? taskParams, TaskTypeInfo? info)
    {
        var copy = (JsonObject?)taskParams?.DeepClone() ?? [];
        if (info is null)
        {
            return copy;
        }

        foreach (var param in info.Params.Where(p => p.Secret && copy.ContainsKey(p.Name)))
        {
            copy[param.Name] = Mask;
        }

        return copy;
    }

    /// <summary>
    /// A copy of a spec document (the stored JSON form: <c>tasks[].task_type</c> and <c>task_params</c>)
    /// with every secret param masked, for showing a routine.
    /// </summary>
    public static JsonNode? RedactSpec(JsonNode? spec, ITaskCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var copy = spec?.DeepClone();
        if (copy is JsonObject { } root && root["tasks"] is JsonArray tasks)
        {
            foreach (var task in tasks.OfType<JsonObject>())
            {
                if (task["task_type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String
                    && catalog.TryGet(type.GetValue<string>(), out var info) && Any(info)
                    && task["task_params"] is JsonObject taskParams)
                {
                    task["task_params"] = Redact(taskParams, info);
                }
            }
        }

        return copy;
    }

    /// <summary>The text forms of the secret params' values in <paramref name="resolvedParams"/>: each string in them, and the whole value as JSON.</summary>
    public static IReadOnlyList<string> ValuesOf(JsonObject? resolvedParams, TaskTypeInfo? info)
    {
        if (resolvedParams is null || !Any(info))
        {
            return [];
        }

        var values = new List<string>();
        foreach (var param in info!.Params.Where(p => p.Secret))
        {
            if (resolvedParams[param.Name] is { } value)
            {
                Collect(value, values);
            }
        }

        return values;
    }

    /// <summary><paramref name="text"/> with each of <paramref name="secrets"/> (longest first) replaced by <see cref="Mask"/>.</summary>
    public static string? Scrub(string? text, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrEmpty(text) || secrets.Count == 0)
        {
            return text;
        }

        foreach (var secret in secrets.Where(s => s.Length >= MinScrubLength).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    private static void Collect(JsonNode node, List<string> values)
    {
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                values.Add(text);

                // Messages often quote values JSON-escaped, strictly (\u0022) or loosely (\").
                foreach (var encoder in Encoders)
                {
                    var escaped = JsonSerializer.Serialize(text, encoder)[1..^1];
                    if (escaped != text && !values.Contains(escaped))
                    {
                        values.Add(escaped);
                    }
                }

                break;
            case JsonObject obj:
                values.Add(obj.ToJsonString());
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, values);
                    }
                }

                break;
            case JsonArray list:
                values.Add(list.ToJsonString());
                foreach (var child in list)
                {
                    if (child is not null)
                    {
                        Collect(child, values);
                    }
                }

                break;
            default:
                values.Add(node.ToJsonString());
                break;
        }
    }
}
