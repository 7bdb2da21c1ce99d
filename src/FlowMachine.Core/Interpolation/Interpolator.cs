using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Interpolation;

/// <summary>
/// Fills task params from the flow context just before a step runs.
/// <list type="bullet">
/// <item>A string that starts with <c>$</c> is a path and is replaced by the value there, keeping its JSON type:
/// <c>$input</c>, <c>$input.a.b</c>, <c>$input.items.0</c> or <c>$input.items[0]</c>, <c>$data.x</c>, <c>$tasks.KEY.result.y</c>.</item>
/// <item><c>${path}</c> inside a string is replaced by the value's text: strings as they are, other JSON compact.</item>
/// <item><c>\$</c> at the start of a string is a literal <c>$</c>; <c>\${</c> anywhere is a literal <c>${</c>.</item>
/// </list>
/// A path that does not resolve throws <see cref="InterpolationException"/>; it never silently becomes null.
/// </summary>
public static class Interpolator
{
    private const string ParamsRoot = "task_params";

    // Template text is for people and messages, not HTML: keep non-ASCII characters readable.
    private static readonly JsonSerializerOptions TextOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns a deep copy of <paramref name="taskParams"/> with every reference resolved.</summary>
    /// <exception cref="InterpolationException">A reference does not resolve; the message names the param and the path.</exception>
    public static JsonObject Resolve(JsonObject taskParams, InterpolationScope scope)
    {
        ArgumentNullException.ThrowIfNull(taskParams);
        ArgumentNullException.ThrowIfNull(scope);
        return ResolveObject(taskParams, ParamsRoot, scope);
    }

    private static JsonObject ResolveObject(JsonObject source, string path, InterpolationScope scope)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in source)
        {
            copy[name] = ResolveNode(value, path + "." + name, scope);
        }

        return copy;
    }

    private static JsonNode? ResolveNode(JsonNode? node, string path, InterpolationScope scope)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                return ResolveObject(obj, path, scope);
            case JsonArray array:
                var copy = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    copy.Add(ResolveNode(array[i], $"{path}[{i}]", scope));
                }

                return copy;
            case JsonValue value when TryGetString(value, out var text):
                return ResolveString(text, value, path, scope);
            default:
                return node.DeepClone();
        }
    }

    private static JsonNode? ResolveString(string text, JsonValue original, string path, InterpolationScope scope)
    {
        // Fast path: most params are plain text and need no parsing at all.
        if (text.Length == 0 || (text[0] != '$' && text[0] != '\\' && !text.Contains("${", StringComparison.Ordinal)))
        {
            return original.DeepClone();
        }

        if (text[0] == '$' && !text.StartsWith("${", StringComparison.Ordinal))
        {
            return ContextPath.Lookup(text[1..], scope, path, text)?.DeepClone();
        }

        return JsonValue.Create(Expand(text, path, scope));
    }

    /// <summary>Replaces each <c>${path}</c> with the value's text and unescapes <c>\$</c> / <c>\${</c>.</summary>
    private static string Expand(string text, string path, InterpolationScope scope)
    {
        var builder = new StringBuilder(text.Length);
        var i = 0;
        if (text.StartsWith("\\$", StringComparison.Ordinal))
        {
            builder.Append('$');
            i = 2;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && string.CompareOrdinal(text, i + 1, "${", 0, 2) == 0)
            {
                builder.Append("${");
                i += 3;
            }
            else if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new InterpolationException(path, text[i..], "the template '${' is not closed with '}'; write \\${ for a literal '${'.");
                }

                var reference = text[i..(close + 1)];
                var value = ContextPath.Lookup(text[(i + 2)..close].Trim(), scope, path, reference);
                builder.Append(AsText(value));
                i = close + 1;
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }

        return builder.ToString();
    }

    private static string AsText(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when TryGetString(v, out var s) => s,
        _ => value.ToJsonString(TextOptions),
    };

    private static bool TryGetString(JsonValue value, out string text)
    {
        if (value.TryGetValue(out string? s) && s is not null)
        {
            text = s;
            return true;
        }

        if (value.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.String)
        {
            text = e.GetString() ?? "";
            return true;
        }

        text = "";
        return false;
    }
}
