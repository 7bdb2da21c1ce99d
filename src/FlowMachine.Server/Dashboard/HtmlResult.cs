using System.Text;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard;

/// <summary>A server-rendered page with a strict content security policy: only this server's scripts and styles run.</summary>
internal sealed class HtmlResult(string html, int statusCode = StatusCodes.Status200OK) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(html, Encoding.UTF8, httpContext.RequestAborted);
    }
}
