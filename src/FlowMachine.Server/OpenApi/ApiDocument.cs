using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace FlowMachine.Server.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and its reference page at <c>/api/docs</c>.</summary>
internal static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    public const string ReferencePage = "/api/docs";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer<ApiDocumentTransformer>();
        options.AddOperationTransformer<ApiOperationTransformer>();
        options.AddSchemaTransformer<ApiSchemaTransformer>();
    }

    /// <summary>Both are open to all: the document describes the API and holds no data, the page only reads the document.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(Path).AllowAnonymous();
        endpoints.MapScalarApiReference(ReferencePage, options =>
        {
            options.WithTitle("FlowMachine API").WithOpenApiRoutePattern(Path);
            options.Telemetry = false;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.Mcp = new ScalarMcpOptions { Disabled = true };
        }).AllowAnonymous();
    }
}
