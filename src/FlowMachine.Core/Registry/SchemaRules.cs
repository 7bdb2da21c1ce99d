using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowMachine.Registry;

/// <summary>Writes a DataAnnotations rule into a JSON Schema node, when JSON Schema can say it.</summary>
internal static class SchemaRules
{
    /// <param name="rule">The attribute.</param>
    /// <param name="schema">The property's schema node.</param>
    /// <param name="many">The property is a list: lengths count items, not characters.</param>
    public static void Apply(ValidationAttribute rule, JsonObject schema, bool many)
    {
        var (minKey, maxKey) = many ? ("minItems", "maxItems") : ("minLength", "maxLength");
        switch (rule)
        {
            case RangeAttribute range:
                Bound(schema, range.MinimumIsExclusive ? "exclusiveMinimum" : "minimum", range.Minimum);
                Bound(schema, range.MaximumIsExclusive ? "exclusiveMaximum" : "maximum", range.Maximum);
                break;
            case StringLengthAttribute length:
                if (length.MinimumLength > 0)
                {
                    schema["minLength"] = length.MinimumLength;
                }

                schema["maxLength"] = length.MaximumLength;
                break;
            case MinLengthAttribute min:
                schema[minKey] = min.Length;
                break;
            case MaxLengthAttribute max when max.Length > 0:
                schema[maxKey] = max.Length;
                break;
            case LengthAttribute length:
                schema[minKey] = length.MinimumLength;
                schema[maxKey] = length.MaximumLength;
                break;
            case RegularExpressionAttribute pattern:
                schema["pattern"] = pattern.Pattern;
                break;
            case EmailAddressAttribute:
                schema["format"] = "email";
                break;
            case UrlAttribute:
                schema["format"] = "uri";
                break;
            case AllowedValuesAttribute allowed:
                schema["enum"] = new JsonArray([.. allowed.Values.Select(OutcomeJson.ToNode)]);
                break;
            default:
                break;
        }
    }

    private static void Bound(JsonObject schema, string key, object bound)
    {
        switch (bound)
        {
            case int.MinValue or int.MaxValue or long.MinValue or long.MaxValue or double.MinValue or double.MaxValue or double.PositiveInfinity or double.NegativeInfinity:
                break; // [Range(1, int.MaxValue)]: no upper bound to show
            case int or long or double:
                schema[key] = OutcomeJson.ToNode(bound);
                break;
            case string text when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number):
                schema[key] = number;
                break;
            default:
                break;
        }
    }
}
