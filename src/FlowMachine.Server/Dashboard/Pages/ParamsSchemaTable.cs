using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Registry;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// The params table of a typed task, read from its params schema: each param with its type, its rules
/// (range, length, pattern, format) and description; the properties of a nested object follow it as
/// <c>parent.child</c>.
/// </summary>
internal static class ParamsSchemaTable
{
    private const int MaxDepth = 4;

    public static void Append(StringBuilder html, JsonObject schema, IReadOnlyList<TaskParamInfo> declared)
    {
        html.Append("<table class=\"params-schema\"><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Type</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        Rows(html, schema, "", declared, 0);
        html.Append("</tbody></table>");
    }

    private static void Rows(StringBuilder html, JsonObject schema, string prefix, IReadOnlyList<TaskParamInfo> declared, int depth)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        var required = (schema["required"] as JsonArray)?.Select(n => n?.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var (name, node) in properties)
        {
            var property = node as JsonObject ?? [];
            var path = prefix + name;
            var secret = depth == 0 && declared.Any(p => p.Name == name && p.Secret);
            var flags = (required.Contains(name) ? " <span class=\"tag\">required</span>" : "") + (secret ? " <span class=\"tag\">secret</span>" : "");
            var description = property["description"]?.GetValue<string>() ?? "";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"mono\">{Html.E(path)}{flags}</td><td class=\"mono\">{Html.E(TypeOf(property))}</td><td>{Html.E(description)}</td></tr>");
            if (depth < MaxDepth)
            {
                Rows(html, property, path + ".", declared, depth + 1);
            }
        }
    }

    /// <summary>A short type with its rules, such as <c>integer, 1 to 1000</c> or <c>string?, 3 to 3 chars</c>.</summary>
    public static string TypeOf(JsonObject property)
    {
        var parts = new List<string>();
        if (property["enum"] is JsonArray names)
        {
            parts.Add("one of " + string.Join(" | ", names.Select(n => n is null ? "null" : n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : n.ToJsonString())));
        }
        else
        {
            var types = property["type"] switch
            {
                JsonValue one => [one.GetValue<string>()],
                JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
                _ => new List<string>(),
            };
            var nullable = types.Remove("null");
            var type = types.Count == 0 ? "any" : string.Join(" | ", types);
            if (type == "array" && property["items"] is JsonObject items)
            {
                type = $"array of {TypeOf(items)}";
            }

            parts.Add(nullable ? type + "?" : type);
        }

        Range(parts, property, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
        Length(parts, property, "minLength", "maxLength", "chars");
        Length(parts, property, "minItems", "maxItems", "items");
        if (property["pattern"] is { } pattern)
        {
            parts.Add("pattern " + pattern.GetValue<string>());
        }

        if (property["format"] is { } format)
        {
            parts.Add(format.GetValue<string>());
        }

        return string.Join(", ", parts);
    }

    private static void Range(List<string> parts, JsonObject property, string min, string max, string exclusiveMin, string exclusiveMax)
    {
        var low = property[min] ?? property[exclusiveMin];
        var high = property[max] ?? property[exclusiveMax];
        if (low is not null || high is not null)
        {
            var from = low is null ? "" : (property.ContainsKey(exclusiveMin) ? "> " : "≥ ") + low.ToJsonString();
            var to = high is null ? "" : (property.ContainsKey(exclusiveMax) ? "< " : "≤ ") + high.ToJsonString();
            parts.Add(string.Join(" and ", new[] { from, to }.Where(s => s.Length > 0)));
        }
    }

    private static void Length(List<string> parts, JsonObject property, string min, string max, string unit)
    {
        var low = property[min]?.ToJsonString();
        var high = property[max]?.ToJsonString();
        if (low is not null || high is not null)
        {
            parts.Add(low is not null && high is not null ? $"{low} to {high} {unit}" : low is not null ? $"at least {low} {unit}" : $"at most {high} {unit}");
        }
    }
}
