using Microsoft.AspNetCore.OpenApi;

namespace FlowMachine.Server.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and its reference page at <c>/api/docs</c>.</summary>
internal static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer<ApiDocumentTransformer>();
        options.AddOperationTransformer<ApiOperationTransformer>();
        options.AddSchemaTransformer<ApiSchemaTransformer>();
    }
}
