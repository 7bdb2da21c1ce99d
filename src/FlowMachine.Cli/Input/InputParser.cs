using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Cli.Input;

/// <summary>
/// Builds a flow input from <c>--input-json</c> and <c>--input key=value</c> pairs. A value is JSON when it
/// parses as JSON (<c>1</c>, <c>true</c>, <c>{"a":1}</c>), otherwise a string; <c>a.b=1</c> nests objects.
/// </summary>
internal static class InputParser
{
    /// <summary>The input, or null when neither option was given.</summary>
    /// <exception cref="UsageException">A pair or the JSON is malformed.</exception>
    public static JsonNode? Parse(IReadOnlyList<string> pairs, string? json)
    {
        if (pairs.Count == 0 && json is null)
        {
            return null;
        }

        JsonObject input;
        if (json is null)
        {
            input = [];
        }
        else if (ParseJson(json, "--input-json") is JsonObject parsed)
        {
            input = parsed;
        }
        else if (pairs.Count == 0)
        {
            return ParseJson(json, "--input-json"); // any JSON value is a valid input on its own
        }
        else
        {
            throw new UsageException("--input-json must be a JSON object when combined with --input key=value.");
        }

        foreach (var pair in pairs)
        {
            Set(input, pair);
        }

        return input;
    }

    /// <summary>Parses a JSON option value.</summary>
    /// <exception cref="UsageException">It is not valid JSON.</exception>
    public static JsonNode? ParseJson(string text, string option)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{option} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>JSON when the text is valid JSON, else the text as a string (for values typed on a command line).</summary>
    public static JsonNode? JsonOrString(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static void Set(JsonObject input, string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new UsageException($"--input '{pair}' must look like key=value (e.g. --input count=3 or --input user.name=ann).");
        }

        var path = pair[..eq].Split('.');
        if (path.Any(string.IsNullOrWhiteSpace))
        {
            throw new UsageException($"--input '{pair}': the key '{pair[..eq]}' has an empty part.");
        }

        var target = input;
        for (var i = 0; i < path.Length - 1; i++)
        {
            switch (target[path[i]])
            {
                case JsonObject child:
                    target = child;
                    break;
                case null when !target.ContainsKey(path[i]):
                    var created = new JsonObject();
                    target[path[i]] = created;
                    target = created;
                    break;
                default:
                    throw new UsageException($"--input '{pair}': '{string.Join('.', path[..(i + 1)])}' is already set to a value that is not an object.");
            }
        }

        target[path[^1]] = JsonOrString(pair[(eq + 1)..]);
    }
}
