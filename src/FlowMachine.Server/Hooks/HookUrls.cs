using FlowMachine.Hooks;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Hooks;

/// <summary>The absolute URL of a hook, from the address the request came to.</summary>
internal static class HookUrls
{
    public static Func<string, string> For(HttpRequest request)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}";
        return name => root + HookVerbs.PathOf(name);
    }
}
