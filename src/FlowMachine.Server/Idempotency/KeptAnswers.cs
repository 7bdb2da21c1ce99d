using System.Text;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Idempotency;

/// <summary>
/// Answers kept in the store and given again: to a repeated <c>Idempotency-Key</c> and to a redelivered webhook.
/// </summary>
internal static class KeptAnswers
{
    /// <summary>Writes <paramref name="result"/> to the response, and returns its status and body to keep.</summary>
    public static async Task<(int Status, string Body)> WriteAsync(HttpContext http, object? result)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await (result as IResult ?? Results.Json(result)).ExecuteAsync(http).ConfigureAwait(false);
        }
        finally
        {
            http.Response.Body = original;
        }

        var bytes = buffer.ToArray();
        await original.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>A kept answer, given again as it was (a ProblemDetails from 400 on).</summary>
    public static IResult Replay(int status, string? body)
    {
        var type = status >= StatusCodes.Status400BadRequest ? "application/problem+json" : "application/json";
        return body is { Length: > 0 } text ? Results.Text(text, type, Encoding.UTF8, status) : Results.StatusCode(status);
    }
}
