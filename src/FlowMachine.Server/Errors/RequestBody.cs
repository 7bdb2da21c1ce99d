using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace FlowMachine.Server.Errors;

/// <summary>The JSON body an endpoint reads, described in the API's words: its fields and what each holds.</summary>
internal sealed class RequestBody
{
    private readonly IReadOnlyList<(string Name, Type Type)> fields;

    private RequestBody(IReadOnlyList<(string Name, Type Type)> fields) => this.fields = fields;

    /// <summary>The body of <paramref name="endpoint"/>, or null when it reads none.</summary>
    public static RequestBody? For(Endpoint? endpoint, HttpContext context)
    {
        if (endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not { } type)
        {
            return null;
        }

        var options = context.RequestServices.GetService<IOptions<HttpJsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
        var info = options.GetTypeInfo(type);
        return new RequestBody([.. info.Properties.Select(p => (p.Name, p.PropertyType))]);
    }

    /// <summary>"a JSON object with the fields a, b (text), ..." for "send ..." sentences.</summary>
    public string Shape => fields.Count == 0
        ? "a JSON object"
        : $"a JSON object with the fields {string.Join(", ", fields.Select(f => Kind(f.Type) is { } kind ? $"{f.Name} ({kind})" : f.Name))}";

    public IEnumerable<string> Names => fields.Select(f => f.Name);

    /// <summary>What a field must hold, e.g. "a whole number", when the field has one JSON type.</summary>
    public string? KindOf(string field) =>
        fields.FirstOrDefault(f => string.Equals(f.Name, field, StringComparison.OrdinalIgnoreCase)) is { Type: not null } found ? Kind(found.Type) : null;

    public static string? Kind(Type type)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        return bare == typeof(string) ? "text"
            : bare == typeof(int) || bare == typeof(long) ? "a whole number"
            : bare == typeof(bool) ? "true or false"
            : typeof(JsonNode).IsAssignableFrom(bare) ? null
            : "a JSON value";
    }
}
