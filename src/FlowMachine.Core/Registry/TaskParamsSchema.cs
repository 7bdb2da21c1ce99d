using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FlowMachine.Registry;

/// <summary>
/// The JSON Schema of a typed task's params class (<see cref="FlowTask{TParams, TResult}"/>): names as params
/// bind (camelCase), types, <c>required</c> (C# <c>required</c> members, <c>[JsonRequired]</c> and
/// <c>[Required]</c>), descriptions from <c>[Description]</c> or <c>[Display(Description = ...)]</c>, and the
/// DataAnnotations rules (ranges, lengths, patterns, formats). Objects allow no other properties: spec
/// validation refuses an unknown param.
/// </summary>
internal static class TaskParamsSchema
{
    // Params bind numbers from strings too, but the schema gives the type a spec should write.
    private static readonly JsonSerializerOptions SchemaOptions = CreateOptions();

    public static JsonObject For(Type paramsType)
    {
        var schema = SchemaOptions.GetJsonSchemaAsNode(paramsType, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Transform,
        }).AsObject();
        schema["type"] = "object"; // the params object itself is never null
        return schema;
    }

    /// <summary>The catalogue's param list of a params class: its top-level properties.</summary>
    public static IReadOnlyList<TaskParamInfo> ParamsOf(Type paramsType, JsonObject schema)
    {
        var required = (schema["required"] as JsonArray)?.Select(n => n?.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        return [.. SchemaOptions.GetTypeInfo(paramsType).Properties.Select(p => new TaskParamInfo(
            p.Name,
            DescriptionOf(p.AttributeProvider) ?? "",
            required.Contains(p.Name),
            IsSecret(p.AttributeProvider)))];
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node)
    {
        var schema = node as JsonObject ?? (node.GetValueKind() == JsonValueKind.True ? [] : null);
        if (schema is null)
        {
            return node;
        }

        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema.ContainsKey("properties"))
        {
            AddRequired(context.TypeInfo, schema);
            schema["additionalProperties"] = false;
            if (DescriptionOf(context.TypeInfo.Type) is { } typeDescription)
            {
                schema["description"] = typeDescription;
            }
        }

        if (context.PropertyInfo?.AttributeProvider is { } member)
        {
            if (DescriptionOf(member) is { } description)
            {
                schema["description"] = description;
            }

            if (member.IsDefined(typeof(RequiredAttribute), inherit: true) && schema["type"] is JsonArray types)
            {
                NotNull(schema, types); // [Required] refuses null whatever the C# type says
            }

            var many = context.TypeInfo.Kind == JsonTypeInfoKind.Enumerable;
            foreach (var rule in member.GetCustomAttributes(typeof(ValidationAttribute), inherit: true).Cast<ValidationAttribute>())
            {
                SchemaRules.Apply(rule, schema, many);
            }
        }

        return schema.Count == 0 && node is not JsonObject ? node : schema;
    }

    private static void NotNull(JsonObject schema, JsonArray types)
    {
        var rest = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToArray();
        schema["type"] = rest.Length == 1 ? rest[0] : new JsonArray([.. rest.Select(t => (JsonNode)t)]);
    }

    private static void AddRequired(JsonTypeInfo type, JsonObject schema)
    {
        var required = schema["required"] as JsonArray ?? [];
        var names = required.Select(n => n?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var property in type.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true && names.Add(property.Name))
            {
                required.Add(property.Name);
            }
        }

        if (required.Count > 0)
        {
            schema["required"] = required;
        }
    }

    private static string? DescriptionOf(ICustomAttributeProvider? member)
    {
        if (member is null)
        {
            return null;
        }

        var description = member.GetCustomAttributes(typeof(DescriptionAttribute), inherit: true).OfType<DescriptionAttribute>().FirstOrDefault()?.Description;
        return !string.IsNullOrEmpty(description)
            ? description
            : member.GetCustomAttributes(typeof(DisplayAttribute), inherit: true).OfType<DisplayAttribute>().FirstOrDefault()?.GetDescription();
    }

    private static bool IsSecret(ICustomAttributeProvider? member) =>
        member is not null
        && (member.GetCustomAttributes(typeof(DataTypeAttribute), inherit: true).OfType<DataTypeAttribute>().Any(a => a.DataType == DataType.Password)
            || member.GetCustomAttributes(typeof(PasswordPropertyTextAttribute), inherit: true).OfType<PasswordPropertyTextAttribute>().Any(a => a.Password));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(TaskParams.Options) { NumberHandling = JsonNumberHandling.Strict };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
