using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowMachine.Interpolation;

/// <summary>
/// Resolves one context path (<c>input.a.b</c>, <c>data.items[0]</c>, <c>tasks.KEY.result.y</c>, written
/// without the leading <c>$</c>) against a scope. Missing paths throw; an explicit JSON null resolves to null.
/// </summary>
internal static class ContextPath
{
    private const string ResultSegment = ".result";

    /// <summary>Returns the node at <paramref name="path"/> (not a copy).</summary>
    /// <param name="path">The path without its <c>$</c>.</param>
    /// <param name="scope">What the path can refer to.</param>
    /// <param name="paramPath">Where the reference sits in the params, for errors.</param>
    /// <param name="reference">The reference as written, for errors.</param>
    public static JsonNode? Lookup(string path, InterpolationScope scope, string paramPath, string reference)
    {
        var rootEnd = path.AsSpan().IndexOfAny('.', '[');
        var root = rootEnd < 0 ? path : path[..rootEnd];
        var rest = rootEnd < 0 ? "" : path[rootEnd..];
        switch (root)
        {
            case "input":
                return Walk(scope.Input, rest, "$input", paramPath, reference);
            case "data":
                return Walk(scope.Data, rest, "$data", paramPath, reference);
            case "tasks":
                var (key, after) = MatchStep(rest, scope, paramPath, reference);
                return Walk(scope.Results[key], after, $"$tasks.{key}.result", paramPath, reference);
            default:
                throw new InterpolationException(
                    paramPath,
                    reference,
                    "a path must start with $input, $data or $tasks.KEY.result; write \\$ at the start for a literal dollar.");
        }
    }

    /// <summary>
    /// Step keys may contain dots (bare-name keys such as <c>test.One</c>), so the key is found by matching
    /// the known keys, longest first, each followed by <c>.result</c>.
    /// </summary>
    private static (string Key, string After) MatchStep(string rest, InterpolationScope scope, string paramPath, string reference)
    {
        if (!rest.StartsWith('.') || rest.Length == 1)
        {
            throw new InterpolationException(paramPath, reference, "$tasks must be followed by a step key and .result, as in $tasks.KEY.result.");
        }

        var text = rest[1..];
        string? best = null;
        foreach (var key in scope.Results.Keys)
        {
            if (text.StartsWith(key + ResultSegment, StringComparison.Ordinal) && (best is null || key.Length > best.Length))
            {
                var end = key.Length + ResultSegment.Length;
                if (end == text.Length || text[end] is '.' or '[')
                {
                    best = key;
                }
            }
        }

        if (best is not null)
        {
            return (best, text[(best.Length + ResultSegment.Length)..]);
        }

        foreach (var key in scope.Results.Keys)
        {
            if (text == key || text.StartsWith(key + ".", StringComparison.Ordinal) || text.StartsWith(key + "[", StringComparison.Ordinal))
            {
                throw new InterpolationException(paramPath, reference, $"a step's value is read through .result, as in $tasks.{key}.result.");
            }
        }

        var marker = text.IndexOf(ResultSegment, StringComparison.Ordinal);
        var guess = marker > 0 ? text[..marker] : text;
        throw new InterpolationException(
            paramPath,
            reference,
            $"step '{guess}' has no result: no step with that key has completed (it is unknown, or has not run yet; list it in precursors).");
    }

    private static JsonNode? Walk(JsonNode? node, string rest, string walked, string paramPath, string reference)
    {
        var position = 0;
        while (position < rest.Length)
        {
            string segment;
            var isIndex = false;
            if (rest[position] == '.')
            {
                var end = rest.AsSpan(position + 1).IndexOfAny('.', '[');
                end = end < 0 ? rest.Length : position + 1 + end;
                segment = rest[(position + 1)..end];
                position = end;
            }
            else if (rest[position] == '[')
            {
                var close = rest.IndexOf(']', position);
                if (close < 0)
                {
                    throw new InterpolationException(paramPath, reference, $"'[' after {walked} is not closed with ']'.");
                }

                segment = rest[(position + 1)..close];
                isIndex = true;
                position = close + 1;
            }
            else
            {
                throw new InterpolationException(paramPath, reference, $"expected '.' or '[' after {walked}.");
            }

            if (segment.Length == 0)
            {
                throw new InterpolationException(paramPath, reference, $"empty path segment after {walked}.");
            }

            node = Step(node, segment, isIndex, walked, paramPath, reference);
            walked += isIndex ? $"[{segment}]" : $".{segment}";
        }

        return node;
    }

    private static JsonNode? Step(JsonNode? node, string segment, bool isIndex, string walked, string paramPath, string reference)
    {
        switch (node)
        {
            case JsonArray array:
                if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw new InterpolationException(paramPath, reference, $"{walked} is a list; '{segment}' is not an index.");
                }

                if (index >= array.Count)
                {
                    throw new InterpolationException(paramPath, reference, $"{walked} has {array.Count} item(s); index {index} is out of range.");
                }

                return array[index];
            case JsonObject obj when !isIndex:
                if (!obj.TryGetPropertyValue(segment, out var child))
                {
                    throw new InterpolationException(paramPath, reference, $"{walked} has no property '{segment}'.");
                }

                return child;
            case JsonObject:
                throw new InterpolationException(paramPath, reference, $"{walked} is an object, not a list; use .{segment} for a property.");
            case null:
                throw new InterpolationException(paramPath, reference, $"{walked} is null, so it has no '{segment}'.");
            default:
                throw new InterpolationException(paramPath, reference, $"{walked} is a single value, so it has no '{segment}'.");
        }
    }
}
