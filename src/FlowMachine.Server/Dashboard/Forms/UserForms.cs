using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// The Users page's forms, for administrators: rotate answers with the page showing the new key once (never in a URL,
/// never again); revoke answers with the page and a notice. The same rules as the API: no revoking one's own keys.
/// </summary>
internal static class UserForms
{
    public static async Task<IResult> RotateAsync(HttpContext http, string name, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await GuardAsync(http).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var request = DashboardRequest.For(http);
        var key = await UserAccounts.RotateKeyAsync(users, name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return await UsersPage.RenderAsync(request, users, null, $"User '{name}' does not exist.", StatusCodes.Status404NotFound, cancellationToken).ConfigureAwait(false);
        }

        var notice = $"""
            <section class="alert notice" role="status" aria-label="New key"><p>New API key of <strong>{Html.E(name)}</strong>; its old keys no longer work.
            It is shown only this once: copy it now.</p><pre data-testid="new-key">{Html.E(key)}</pre></section>
            """;
        return await UsersPage.RenderAsync(request, users, notice, null, StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IResult> RevokeAsync(HttpContext http, string name, IUserStore users, CancellationToken cancellationToken)
    {
        if (await GuardAsync(http).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var request = DashboardRequest.For(http);
        if (name == request.User.Name)
        {
            return await UsersPage.RenderAsync(request, users, null, "Revoking your own keys would lock you out: rotate your key instead, or ask another administrator.", StatusCodes.Status409Conflict, cancellationToken).ConfigureAwait(false);
        }

        if (!await UserAccounts.RevokeKeysAsync(users, name, cancellationToken).ConfigureAwait(false))
        {
            return await UsersPage.RenderAsync(request, users, null, $"User '{name}' does not exist.", StatusCodes.Status404NotFound, cancellationToken).ConfigureAwait(false);
        }

        var notice = $"<p class=\"alert notice\" role=\"status\">Revoked every key of <strong>{Html.E(name)}</strong>. Rotate to give it a new one.</p>";
        return await UsersPage.RenderAsync(request, users, notice, null, StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A refusal page for a post without its CSRF token or by a non-admin; null when the post may go on.</summary>
    private static async Task<IResult?> GuardAsync(HttpContext http)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        return form is null ? FlowActions.CsrfRefused(request)
            : !request.User.IsAdmin ? UsersPage.Forbidden(request)
            : null;
    }
}
