using System.Text.Json.Serialization;
using FlowMachine.Engine;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlowMachine.Server.OpenApi;

/// <summary>
/// Request bodies (the records that refuse unknown fields) are described as they bind: every field may be left out
/// (the route answers 400 naming a field it needs), and no other field is allowed.
/// A document that extends another lists every field as required, as the one it extends does.
/// Numbers are described as numbers: the API writes them as JSON numbers, so the "or a numeric string" the
/// serializer also reads is left out of the document, and generated clients get integer and double properties.
/// </summary>
internal sealed class ApiSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (context.JsonTypeInfo.Type == typeof(System.Text.Json.Nodes.JsonNode))
        {
            schema.Description = "Any JSON value.";
        }

        if (context.JsonTypeInfo.Type == typeof(StepDocument) && schema.AnyOf is { Count: > 0 } kinds)
        {
            Flatten(schema, kinds);
        }

        // A document that extends another (the created hook adds its secret to the hook) has no constructor naming its
        // fields, so nothing marks them required; every one of them is written, as in the document it extends.
        if (schema.Required is not { Count: > 0 } && schema.Properties is { Count: > 0 } properties && ExtendsRecord(context.JsonTypeInfo.Type))
        {
            schema.Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal);
        }

        var handling = context.JsonTypeInfo.Type.GetCustomAttributes(typeof(JsonUnmappedMemberHandlingAttribute), inherit: false);
        if (handling is [JsonUnmappedMemberHandlingAttribute { UnmappedMemberHandling: JsonUnmappedMemberHandling.Disallow }])
        {
            schema.Required = null;
            schema.AdditionalPropertiesAllowed = false;
        }

        return Task.CompletedTask;
    }

    private static bool ExtendsRecord(Type type) =>
        type.BaseType is { } parent && parent != typeof(object) && parent.GetMethod("<Clone>$") is not null;

    /// <summary>
    /// A step is one object: a waiting step has the same fields and what it waits for (left out on other steps).
    /// The serializer's "any of a step or a waiting step" has no discriminator, and clients cannot tell the two apart.
    /// </summary>
    private static void Flatten(OpenApiSchema schema, IList<IOpenApiSchema> kinds)
    {
        var widest = kinds.MaxBy(k => k.Properties?.Count ?? 0)!;
        schema.AnyOf = null;
        schema.Type = JsonSchemaType.Object;
        schema.Properties = new Dictionary<string, IOpenApiSchema>(widest.Properties!, StringComparer.Ordinal);
        schema.Required = new HashSet<string>(kinds.SelectMany(k => k.Required ?? new HashSet<string>()), StringComparer.Ordinal);
    }
}
