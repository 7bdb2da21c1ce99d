using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

// Values and errors: retry and timeout blocks, numbers, strings, objects, task types, keys, and error reporting.
internal sealed partial class SpecReader
{
    private RetrySpec? ReadRetry(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject obj)
        {
            Error(path, $"'retry' must be an object like {{attempts: 3, delay: 1, factor: 2, max_delay: 60}}, not {NodeReader.Describe(node)}.", node, parent);
            return null;
        }

        var retry = new RetrySpec();
        foreach (var (name, value) in obj)
        {
            var childPath = SpecPath.Child(path, name);
            switch (name)
            {
                case "attempts":
                    if (NodeReader.TryGetInt(value, out var attempts) && attempts >= 1)
                    {
                        retry = retry with { MaxAttempts = attempts };
                    }
                    else
                    {
                        Error(childPath, $"'attempts' must be a whole number of at least 1 (attempts in all, the first included), not {Show(value)}.", value, obj);
                    }

                    break;
                case "delay":
                    if (Number(value, childPath, obj, 0, "seconds, at least 0") is { } delay)
                    {
                        retry = retry with { DelaySeconds = delay };
                    }

                    break;
                case "factor":
                    if (Number(value, childPath, obj, 1, "at least 1") is { } factor)
                    {
                        retry = retry with { Factor = factor };
                    }

                    break;
                case "max_delay":
                    if (Number(value, childPath, obj, 0, "seconds, at least 0") is { } maxDelay)
                    {
                        retry = retry with { MaxDelaySeconds = maxDelay };
                    }

                    break;
                default:
                    Unknown(name, childPath, RetryFields, value, obj);
                    break;
            }
        }

        return retry;
    }

    private double? ReadTimeout(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (!NodeReader.TryGetDouble(node, out var seconds) || seconds <= 0)
        {
            Error(path, $"'timeout' must be a number of seconds greater than 0, not {Show(node)}.", node, parent);
            return null;
        }

        return seconds;
    }

    private double? Number(JsonNode? node, string path, JsonNode parent, double min, string expected)
    {
        if (NodeReader.TryGetDouble(node, out var value) && value >= min)
        {
            return value;
        }

        Error(path, $"'{path[(path.LastIndexOf('.') + 1)..]}' must be a number ({expected}), not {Show(node)}.", node, parent);
        return null;
    }

    private string? OptionalString(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (NodeReader.TryGetString(node, out var value))
        {
            return value;
        }

        Error(path, $"'{path}' must be a string, not {NodeReader.Describe(node)}.{QuoteHint(node)}", node);
        return null;
    }

    private JsonObject? OptionalObject(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonObject obj)
        {
            return (JsonObject)obj.DeepClone();
        }

        Error(path, $"'{path[(path.LastIndexOf('.') + 1)..]}' must be an object of named values, not {NodeReader.Describe(node)}.", node, parent);
        return null;
    }

    private bool CheckTaskType(string type, string path, JsonNode node)
    {
        if (catalog is null || catalog.TryGet(type, out _))
        {
            return true;
        }

        typeNames ??= [.. catalog.All.Select(t => t.Name)];
        Error(path, $"Task type '{type}' is not registered.{Suggestions.DidYouMean(type, typeNames)} Run `flowmachine tasks` to see the catalogue.", node);
        return false;
    }

    private bool CheckKey(string key, string path, JsonNode node)
    {
        if (key.Length == 0)
        {
            Error(path, "'key' must not be empty.", node);
            return false;
        }

        if (key == RootKey)
        {
            Error(path, "'ROOT' is reserved (it names the start of the flow in precursors); choose another key.", node);
            return false;
        }

        // Keys appear in $tasks.KEY.result paths, so they are limited to characters that read well there.
        var bad = key.FirstOrDefault(c => !(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '#'));
        if (bad != default || key.Contains('\0', StringComparison.Ordinal))
        {
            Error(path, $"Key '{Clip(key)}' contains '{(char.IsControl(bad) ? $"U+{(int)bad:X4}" : bad.ToString())}': keys may use only letters, digits and _ - . #.", node);
            return false;
        }

        return true;
    }

    private void Unknown(string name, string path, string[] known, JsonNode? value, JsonNode parent) =>
        Error(path, $"Unknown field '{Clip(name)}'.{Suggestions.DidYouMean(name, known)} Expected one of: {string.Join(", ", known)}.", value, parent);

    private void Error(string path, string message, JsonNode? at, JsonNode? fallback = null) =>
        errors.Add(new SpecError(path, message, LineOf(at) ?? LineOf(fallback)));

    private int? LineOf(JsonNode? node) => node is not null && lines is not null && lines.TryGetValue(node, out var line) ? line : null;

    private static string Show(JsonNode? node) =>
        NodeReader.Kind(node) is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? node!.ToJsonString() : NodeReader.Describe(node);

    /// <summary>YAML reads a plain <c>1</c> or <c>yes</c>-like word as a number or boolean; say how to make it text.</summary>
    private static string QuoteHint(JsonNode? node) =>
        NodeReader.Kind(node) is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? $" Quote it to make it text: \"{node!.ToJsonString()}\"."
            : "";

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
