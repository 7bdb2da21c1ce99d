using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Hooks;

/// <summary>
/// The paths a hook maps a delivery with: <c>$delivery</c> (the delivery id), <c>$body</c> (the whole JSON body) or
/// <c>$body</c> followed by fields and indexes, such as <c>$body.order.id</c> or <c>$body.items[0].sku</c>.
/// </summary>
public static class HookPaths
{
    /// <summary>The delivery id.</summary>
    public const string Delivery = "$delivery";

    /// <summary>The delivery's JSON body.</summary>
    public const string Body = "$body";

    /// <summary>What a path that breaks the rule is told.</summary>
    public const string Rule = "a path is $delivery, $body, or $body followed by .field and [index] parts, such as $body.order.id or $body.items[0].sku";

    /// <summary>Whether <paramref name="path"/> is a path.</summary>
    public static bool IsPath(string? path) => path is not null && (path == Delivery || Parts(path) is not null);

    /// <summary>
    /// The value at <paramref name="path"/> in a delivery: found (a JSON null counts) or not (a field or index the body
    /// does not have). The value is a copy.
    /// </summary>
    public static bool TryResolve(string path, JsonNode? body, string delivery, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(path);
        value = null;
        if (path == Delivery)
        {
            value = JsonValue.Create(delivery);
            return true;
        }

        var node = body;
        foreach (var part in Parts(path) ?? throw new ArgumentException(Rule, nameof(path)))
        {
            switch (part, node)
            {
                case (string field, JsonObject o) when o.TryGetPropertyValue(field, out var next):
                    node = next;
                    break;
                case (int index, JsonArray a) when index < a.Count:
                    node = a[index];
                    break;
                default:
                    return false;
            }
        }

        value = node?.DeepClone();
        return true;
    }

    /// <summary>A key's text from a mapped value: a string as it is, a number or true/false as written; null for anything else.</summary>
    public static string? KeyText(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    /// <summary>The fields (strings) and indexes (ints) after <c>$body</c>, or null when <paramref name="path"/> is not a body path.</summary>
    private static List<object>? Parts(string path)
    {
        if (!path.StartsWith(Body, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<object>();
        var i = Body.Length;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }

                if (end == i + 1)
                {
                    return null;
                }

                parts.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0 || !int.TryParse(path.AsSpan(i + 1, close - i - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    return null;
                }

                parts.Add(index);
                i = close + 1;
            }
            else
            {
                return null;
            }
        }

        return parts;
    }
}
