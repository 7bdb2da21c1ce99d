using System.Text;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// Administrators only: the users, their roles and the first characters of their keys, with forms to rotate a user's
/// key (the new key is shown once, on the answer to the form) or revoke its keys.
/// </summary>
internal static class UsersPage
{
    public static Task<IResult> RenderAsync(HttpContext http, IUserStore users, CancellationToken cancellationToken) =>
        RenderAsync(DashboardRequest.For(http), users, null, null, StatusCodes.Status200OK, cancellationToken);

    /// <summary>The page with a notice (a rotated key, shown only this once) or an error above the table.</summary>
    public static async Task<IResult> RenderAsync(DashboardRequest request, IUserStore users, string? notice, string? error, int status, CancellationToken cancellationToken)
    {
        if (!request.User.IsAdmin)
        {
            return Forbidden(request);
        }

        var listed = await UserAccounts.ListAsync(users, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append("<h1>Users</h1><p class=\"lead\">Who may use this server. Keys are kept only as hashes: a key is shown once, when it is made; here you see its first characters.</p>");
        if (notice is not null)
        {
            html.Append(notice);
        }

        if (error is not null)
        {
            html.Append($"<p class=\"alert error\" role=\"alert\">{Html.E(error)}</p>");
        }

        html.Append("<section class=\"card\" aria-labelledby=\"users-h\"><h2 id=\"users-h\">Users and keys</h2>");
        html.Append("<table aria-label=\"Users\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">Created</th><th scope=\"col\">Keys</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var user in listed)
        {
            var keys = user.KeyPrefixes.Count == 0
                ? "<span class=\"muted\">none (revoked)</span>"
                : string.Join(" ", user.KeyPrefixes.Select(p => $"<span class=\"mono\">{Html.E(p)}…</span>"));
            var name = Html.U(user.Name);
            var revoke = user.Name == request.User.Name
                ? string.Empty
                : $"""<form method="post" action="/users/{name}/revoke" class="inline-form">{request.CsrfInput}<button type="submit" class="danger" aria-label="Revoke the keys of {Html.E(user.Name)}">Revoke keys</button></form>""";
            html.Append($"""
                <tr data-user="{Html.E(user.Name)}"><td>{Html.E(user.Name)}</td><td>{(user.IsAdmin ? "<span class=\"tag\">admin</span>" : "user")}</td><td>{Html.Time(user.CreatedAt)}</td><td>{keys}</td>
                <td><form method="post" action="/users/{name}/rotate" class="inline-form">{request.CsrfInput}<button type="submit" aria-label="Rotate the key of {Html.E(user.Name)}">Rotate key</button></form> {revoke}</td></tr>
                """);
        }

        html.Append("</tbody></table>");
        html.Append("<p class=\"note\">Rotate makes a new key and stops the old ones at once; revoke stops every key of the user (its flows stay). New users: <span class=\"mono\">flowmachine users add NAME</span>.</p></section>");
        return Layout.Page(request, "Users", "users", html.ToString(), status);
    }

    public static IResult Forbidden(DashboardRequest request) =>
        Layout.Message(request, StatusCodes.Status403Forbidden, "Forbidden", "Only administrators may see and change users.");
}
