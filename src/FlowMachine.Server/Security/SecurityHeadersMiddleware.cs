using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Security;

/// <summary>
/// Adds the security headers to every response: no MIME sniffing, no referrer, no framing; and, for
/// everything that is not an HTML page (the JSON API, problems, streams), a CSP that allows nothing.
/// Headers a page already set (the dashboard's own CSP) are left alone.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (string.IsNullOrEmpty(headers.XFrameOptions))
            {
                headers.XFrameOptions = "DENY";
            }

            // JSON is never rendered as a document; if a browser is tricked into it, it may load and run nothing.
            var isHtml = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
            if (!isHtml && string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = ApiContentSecurityPolicy;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
