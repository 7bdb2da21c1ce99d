using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>
/// Reads JSON nodes defensively: nodes may come from a parser, from YAML, or be built by hand with
/// arbitrary CLR values inside, so nothing here may throw.
/// </summary>
internal static class NodeReader
{
    /// <summary>The node's JSON kind, or <see cref="JsonValueKind.Undefined"/> when it cannot be told.</summary>
    public static JsonValueKind Kind(JsonNode? node)
    {
        if (node is null)
        {
            return JsonValueKind.Null;
        }

        try
        {
            return node.GetValueKind();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return JsonValueKind.Undefined;
        }
    }

    /// <summary>A phrase for error messages, such as "a number".</summary>
    public static string Describe(JsonNode? node) => Kind(node) switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an unsupported value",
    };

    public static bool TryGetString(JsonNode? node, out string value)
    {
        value = "";
        if (node is not JsonValue v || Kind(node) != JsonValueKind.String)
        {
            return false;
        }

        if (v.TryGetValue(out string? s) && s is not null)
        {
            value = s;
            return true;
        }

        if (v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.String)
        {
            value = e.GetString() ?? "";
            return true;
        }

        if (v.TryGetValue(out char c))
        {
            value = c.ToString();
            return true;
        }

        return false;
    }

    public static bool TryGetBool(JsonNode? node, out bool value)
    {
        value = false;
        var kind = Kind(node);
        if (kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        value = kind == JsonValueKind.True;
        return true;
    }

    /// <summary>Reads a finite number whatever CLR type backs it.</summary>
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v || Kind(node) != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue(out JsonElement e))
        {
            return e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out value) && double.IsFinite(value);
        }

        if (v.TryGetValue(out double d)) { value = d; }
        else if (v.TryGetValue(out long l)) { value = l; }
        else if (v.TryGetValue(out int i)) { value = i; }
        else if (v.TryGetValue(out decimal m)) { value = (double)m; }
        else if (v.TryGetValue(out float f)) { value = f; }
        else if (v.TryGetValue(out ulong ul)) { value = ul; }
        else if (v.TryGetValue(out uint ui)) { value = ui; }
        else if (v.TryGetValue(out short sh)) { value = sh; }
        else if (v.TryGetValue(out byte b)) { value = b; }
        else { return false; }

        return double.IsFinite(value);
    }

    /// <summary>Reads a whole number that fits an <see cref="int"/> (3.0 counts, 3.5 does not).</summary>
    public static bool TryGetInt(JsonNode? node, out int value)
    {
        value = 0;
        if (!TryGetDouble(node, out var d) || d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
        {
            return false;
        }

        value = (int)d;
        return true;
    }

    /// <summary>
    /// Finds the first place that cannot be stored as JSON: nesting deeper than <paramref name="maxDepth"/>
    /// (the root is depth 1), or a value built in code that has no JSON form (NaN, infinity, an opaque object).
    /// Recursion is bounded by the depth cap itself, so hostile nesting cannot exhaust the stack.
    /// </summary>
    /// <returns>The path and what is wrong there, or null when the document is fine.</returns>
    public static (string Path, string Problem)? FindProblem(JsonNode? node, string path, int depth, int maxDepth)
    {
        switch (node)
        {
            case JsonObject or JsonArray when depth > maxDepth:
                return (path, $"The spec is nested deeper than {maxDepth} levels.");
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (FindProblem(child, SpecPath.Child(path, name), depth + 1, maxDepth) is { } problem)
                    {
                        return problem;
                    }
                }

                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    if (FindProblem(arr[i], SpecPath.Index(path, i), depth + 1, maxDepth) is { } problem)
                    {
                        return problem;
                    }
                }

                break;
            case JsonValue value:
                var kind = Kind(value);
                if (kind == JsonValueKind.Undefined
                    || (kind == JsonValueKind.Number
                        && ((value.TryGetValue(out double d) && !double.IsFinite(d)) || (value.TryGetValue(out float f) && !float.IsFinite(f)))))
                {
                    return (path, "This value has no JSON form (such as NaN, infinity or an object that cannot be written as JSON).");
                }

                break;
        }

        return null;
    }
}
