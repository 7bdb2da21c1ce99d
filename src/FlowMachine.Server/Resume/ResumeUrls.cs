using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Resume;

/// <summary>Absolute callback URLs for resume tokens, on the host the caller used.</summary>
internal static class ResumeUrls
{
    public const string Route = "/api/v1/resume";

    public static Func<string, string> For(HttpRequest request)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}{Route}/";
        return token => root + Uri.EscapeDataString(token);
    }
}
