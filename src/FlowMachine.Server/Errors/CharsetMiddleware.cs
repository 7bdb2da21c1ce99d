using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FlowMachine.Server.Errors;

/// <summary>
/// Refuses a body whose Content-Type names a character set .NET does not know with a 415 ProblemDetails.
/// The JSON binder would otherwise throw an InvalidOperationException, which reads as a server error.
/// </summary>
internal sealed class CharsetMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.Charset.HasValue && !Known(type.Charset.Value!))
        {
            await TypedResults.Problem(
                $"the character set '{type.Charset.Value}' is not supported; send JSON as UTF-8",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool Known(string charset)
    {
        try
        {
            _ = Encoding.GetEncoding(charset.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
