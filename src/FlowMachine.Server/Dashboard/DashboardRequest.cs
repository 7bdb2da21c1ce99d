using FlowMachine.Operations;
using FlowMachine.Server.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Dashboard;

/// <summary>What every page needs: who is asking and the CSRF token for its forms.</summary>
internal sealed class DashboardRequest
{
    private DashboardRequest(HttpContext http, Caller? caller, string token)
    {
        Http = http;
        Caller = caller;
        Token = token;
    }

    public HttpContext Http { get; }

    /// <summary>The signed-in user, or null on the sign-in page.</summary>
    public Caller? Caller { get; }

    public string Token { get; }

    /// <summary>The hidden field every form carries; a post without it is refused.</summary>
    public string CsrfInput => $"<input type=\"hidden\" name=\"{DashboardDefaults.CsrfField}\" value=\"{Html.E(Token)}\">";

    public Caller User => Caller ?? throw new InvalidOperationException("The page needs a signed-in user.");

    public static DashboardRequest For(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var caller = http.User.Identity?.IsAuthenticated == true ? Callers.From(http.User) : null;
        return new DashboardRequest(http, caller, tokens.RequestToken ?? string.Empty);
    }
}
