using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Errors;

/// <summary>
/// Fills the detail of answers the framework writes without one (415 for a body that is not JSON, 404 and
/// 405 from routing), so every error says what was wrong and what to send.
/// </summary>
internal static class ProblemWording
{
    public static void Customize(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null)
        {
            return;
        }

        var http = context.HttpContext;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => BindingProblems.UnsupportedMediaTypeDetail(http.Request.ContentType, RequestBody.For(http.GetEndpoint(), http)),
            StatusCodes.Status404NotFound => $"nothing answers at {Path(http)}; the API's paths are listed in docs/api.md and at /openapi/v1.json",
            StatusCodes.Status405MethodNotAllowed => $"{Path(http)} does not answer {http.Request.Method}; the API's paths and methods are listed in docs/api.md",
            _ => null,
        };
    }

    private static string Path(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        return path.Length <= 200 ? path : path[..200] + "…";
    }
}
