using System.Text.Json;
using FlowMachine.Specs;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Server.Errors;

/// <summary>
/// The last line: bad input that escaped the handlers (malformed JSON, wrong types, bodies too big)
/// becomes a 4xx ProblemDetails naming the field; anything else a 500 ProblemDetails without internals.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            JsonException json => FromJson(json),
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

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            return FromJson(json);
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyTooLarge(null);
        }

        return TypedResults.Problem(bad.Message, statusCode: bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest, title: "Bad request");
    }

    /// <summary>System.Text.Json reports where it stopped as <c>$.field</c>; that path names the field.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult FromJson(JsonException json)
    {
        var field = json.Path is { Length: > 1 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..]
            : json.Path is { Length: > 1 } other ? other.TrimStart('$')
            : "body";
        var message = json.Message.Split(" Path:", 2)[0];
        return Problems.Field(field, $"the JSON is not valid here: {message}");
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BodyTooLarge(long? limit) =>
        TypedResults.Problem(
            limit is { } max ? $"the request body is larger than the limit of {max} bytes" : "the request body is too large",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Payload too large");
}
