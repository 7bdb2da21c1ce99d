using System.Security.Claims;
using FlowMachine.Server.Auth;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// Sign-in with an API key: the key is checked like a bearer key once, then a session cookie
/// (HTTP-only, SameSite=Strict, Secure on HTTPS) carries the user's name and role. The key itself is not kept.
/// </summary>
internal static class SignIn
{
    public static IResult Page(HttpContext http, string? returnUrl) => Render(DashboardRequest.For(http), returnUrl, null, StatusCodes.Status200OK);

    public static async Task<IResult> PostAsync(HttpContext http, IUserStore users, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        if (form is null)
        {
            return FlowActions.CsrfRefused(DashboardRequest.For(http));
        }

        var returnUrl = FormGuard.Text(form, "returnUrl");
        var key = FormGuard.Text(form, "key");
        var user = key is null ? null : await UserAccounts.AuthenticateAsync(users, key, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Render(DashboardRequest.For(http), returnUrl, "That API key is not valid.", StatusCodes.Status401Unauthorized);
        }

        List<Claim> claims = [new(ClaimTypes.Name, user.Name), new(SessionValidation.KeyPrefixClaim, ApiKey.Prefix(key!))];
        if (user.IsAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ApiKeyDefaults.AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, DashboardDefaults.Scheme));
        await http.SignInAsync(DashboardDefaults.Scheme, principal).ConfigureAwait(false);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    public static async Task<IResult> SignOutAsync(HttpContext http)
    {
        if (await FormGuard.ReadAsync(http).ConfigureAwait(false) is null)
        {
            return FlowActions.CsrfRefused(DashboardRequest.For(http));
        }

        await http.SignOutAsync(DashboardDefaults.Scheme).ConfigureAwait(false);
        return Results.Redirect("/signin");
    }

    /// <summary>Only paths on this server, so the sign-in cannot be used to bounce users elsewhere.</summary>
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static HtmlResult Render(DashboardRequest request, string? returnUrl, string? error, int status)
    {
        var alert = error is null ? string.Empty : $"<p class=\"alert error\" role=\"alert\">{Html.E(error)}</p>";
        return Layout.Page(request, "Sign in", string.Empty, $"""
            <section class="card signin">
            <h1>Sign in</h1>
            <p class="lead">Use your FlowMachine API key. The server prints the admin key on its first start; admins create keys for others.</p>
            {alert}
            <form method="post" action="/signin" aria-label="Sign in">{request.CsrfInput}
            <input type="hidden" name="returnUrl" value="{Html.E(IsLocal(returnUrl) ? returnUrl : "/")}">
            <label for="key">API key</label>
            <input id="key" name="key" type="password" autocomplete="current-password" required autofocus spellcheck="false">
            <button type="submit">Sign in</button>
            </form>
            </section>
            """, status);
    }
}
