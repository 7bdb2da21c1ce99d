using System.Text.Json.Nodes;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Idempotency;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlowMachine.Server.OpenApi;

/// <summary>
/// What every operation shares: the API-key requirement on the routes that need a key (none on the others), and the
/// problem details any route can answer with: 401 without a valid key, 403 on administrators' routes, 400, 413 and
/// 415 for a body or query that does not bind, 500. Each route declares its own 404, 409 and the like; the start,
/// push and submit bodies get an example; the commands that honour it declare the Idempotency-Key header.
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["StartFlow"] = """{"routine": "seed000", "input": {"order": 42}, "key": "order-42", "tags": ["vip", "eu"]}""",
        ["PushFlow"] = """{"value": {"approved": true, "by": "alice"}}""",
        ["SubmitFlow"] = """{"args": {"ok": true}}""",
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        var needsKey = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Security = needsKey
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.SecurityScheme, document)] = [] }]
            : [];

        operation.Responses ??= [];
        var problem = await SchemaAsync<ProblemDetails>(context, cancellationToken).ConfigureAwait(false);
        if (needsKey)
        {
            Add(operation, StatusCodes.Status401Unauthorized, "No API key, or one that is not valid.", problem);
        }

        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == ApiKeyDefaults.AdminPolicy))
        {
            Add(operation, StatusCodes.Status403Forbidden, "The route is for administrators only.", problem);
        }

        var takesInput = operation.RequestBody is not null || (operation.Parameters ?? []).Any(p => p.In == ParameterLocation.Query);
        if (takesInput)
        {
            var invalid = await SchemaAsync<HttpValidationProblemDetails>(context, cancellationToken).ConfigureAwait(false);
            Add(operation, StatusCodes.Status400BadRequest, "The request is not valid: 'errors' names each wrong field (or spec path) with what is wrong.", invalid);
        }

        if (operation.RequestBody is not null)
        {
            Add(operation, StatusCodes.Status413PayloadTooLarge, "The body is larger than the server accepts.", problem);
            Add(operation, StatusCodes.Status415UnsupportedMediaType, "The body is not JSON.", problem);
        }

        if (metadata.OfType<IdempotentCommand>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotentCommand.Header,
                In = ParameterLocation.Header,
                Description = "Any unique string (a UUID) that makes the command safe to send again: a repeat with the same key within 24 hours gets the first answer (with Idempotency-Replayed: true) and the command is applied once.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotentCommand.MaxLength },
            });
            Add(operation, StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was sent before with another request.", problem);
        }

        Add(operation, StatusCodes.Status500InternalServerError, "The server failed; its log says why.", problem);
        if (operation.OperationId is { } id && Examples.TryGetValue(id, out var example) && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
        {
            body.Example = JsonNode.Parse(example);
        }
    }

    private static async Task<IOpenApiSchema> SchemaAsync<T>(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var name = typeof(T).Name;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        if (!document.Components.Schemas.ContainsKey(name))
        {
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false));
        }

        return new OpenApiSchemaReference(name, document);
    }

    private static void Add(OpenApiOperation operation, int status, string description, IOpenApiSchema schema)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var declared))
        {
            if (declared is OpenApiResponse response && string.IsNullOrEmpty(response.Description))
            {
                response.Description = description;
            }

            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { [ProblemJson] = new OpenApiMediaType { Schema = schema } },
        };
    }
}
