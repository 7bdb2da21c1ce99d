using System.Text.Json;
using FlowMachine.Specs;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Server.Errors;

/// <summary>
/// The last line: bad input that escaped the handlers (malformed JSON, wrong types, bodies too big)
/// becomes a 4xx ProblemDetails naming the field, in the API's words (<see cref="BindingProblems"/>); anything else a 500 ProblemDetails without internals.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var body = RequestBody.For(httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint(), httpContext);
        var result = exception switch
        {
            BadHttpRequestException bad => BindingProblems.FromBadRequest(bad, body),
            JsonException json => BindingProblems.FromJson(json, body),
            SpecException spec => Problems.Spec(spec.Errors, "spec"),
            _ => null,
        };
        if (result is null)
        {
            LogMessages.UnexpectedError(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
            result = TypedResults.Problem("the server failed to handle the request; see its log", statusCode: StatusCodes.Status500InternalServerError, title: "Internal error");
        }
        else
        {
            LogMessages.BadRequest(logger, result.StatusCode, result.ProblemDetails.Detail ?? exception.Message);
        }

        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BodyTooLarge(long? limit) =>
        TypedResults.Problem(
            limit is { } max ? $"the request body is larger than the limit of {max} bytes" : "the request body is too large",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Payload too large");
}
