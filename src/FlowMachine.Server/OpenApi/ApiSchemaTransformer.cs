using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlowMachine.Server.OpenApi;

/// <summary>
/// Request bodies (the records that refuse unknown fields) are described as they bind: every field may be left out
/// (the route answers 400 naming a field it needs), and no other field is allowed.
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

        var handling = context.JsonTypeInfo.Type.GetCustomAttributes(typeof(JsonUnmappedMemberHandlingAttribute), inherit: false);
        if (handling is [JsonUnmappedMemberHandlingAttribute { UnmappedMemberHandling: JsonUnmappedMemberHandling.Disallow }])
        {
            schema.Required = null;
            schema.AdditionalPropertiesAllowed = false;
        }

        return Task.CompletedTask;
    }
}
