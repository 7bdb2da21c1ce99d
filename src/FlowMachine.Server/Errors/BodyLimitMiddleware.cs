using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FlowMachine.Server.Errors;

/// <summary>
/// Refuses bodies over the limit with a 413 ProblemDetails before any endpoint reads them. Bodies of
/// unknown length are buffered up to the limit here, because the JSON binder would swallow Kestrel's
/// own 413 as a plain I/O error.
/// </summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next, FlowMachineServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiExceptionHandler.BodyTooLarge(limit).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit);
            try
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or BadHttpRequestException)
            {
                await ApiExceptionHandler.BodyTooLarge(limit).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            context.Request.Body.Position = 0;
        }

        await next(context).ConfigureAwait(false);
    }
}
