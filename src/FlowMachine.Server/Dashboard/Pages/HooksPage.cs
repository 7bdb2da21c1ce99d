using System.Text;
using FlowMachine.Hooks;
using FlowMachine.Server.Hooks;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// Webhooks: the signed-in user's hooks (an administrator's: all) with what each does and the URL to post to, Rotate
/// and Delete (after a confirmation page), the form that creates one, and a new or rotated secret shown only once.
/// </summary>
internal static class HooksPage
{
    public static Task<IResult> RenderAsync(HttpContext http, HookVerbs hooks, IRoutineStore routines, string? deleted, CancellationToken cancellationToken) =>
        RenderAsync(DashboardRequest.For(http), hooks, routines, new HooksPageState(Notice: Deleted(deleted)), StatusCodes.Status200OK, cancellationToken);

    public static async Task<IResult> RenderAsync(DashboardRequest request, HookVerbs hooks, IRoutineStore routines, HooksPageState state, int status, CancellationToken cancellationToken)
    {
        var listed = await hooks.ListAsync(request.User, cancellationToken).ConfigureAwait(false);
        var stored = await routines.ListRoutinesAsync(cancellationToken).ConfigureAwait(false);
        var url = HookUrls.For(request.Http.Request);
        var html = new StringBuilder();
        html.Append("<h1>Hooks</h1><p class=\"lead\">Webhooks let another system start a flow or raise an event by key with a signed POST, without an API key. ");
        html.Append(request.User.IsAdmin ? "You see every user's hooks.</p>" : "You see your own hooks.</p>");
        html.Append(SchedulesPage.Alerts(state.Notice, state.Error));
        if (state.Secret is { } secret)
        {
            html.Append(SecretBox(secret));
        }

        html.Append($"<section class=\"card\" aria-labelledby=\"hooks-h\"><h2 id=\"hooks-h\">{(request.User.IsAdmin ? "All hooks" : "Your hooks")}</h2>");
        if (listed.Count == 0)
        {
            html.Append("<p class=\"muted\">No hooks yet. Create one below.</p>");
        }
        else
        {
            var owner = request.User.IsAdmin ? "<th scope=\"col\">Owner</th>" : string.Empty;
            html.Append($"""
                <table aria-label="Hooks"><thead><tr><th scope="col">Name</th><th scope="col">Action</th><th scope="col">URL to post to</th>{owner}
                <th scope="col">Created</th><th scope="col">Actions</th></tr></thead><tbody>
                """);
            foreach (var hook in listed)
            {
                html.Append(Row(request, HookDocument.Of(hook, url(hook.Name))));
            }

            html.Append("</tbody></table>");
        }

        html.Append($"""
            <p class="note">Each delivery carries <span class="mono">{HookProtocol.SignatureHeader}: sha256=&lt;hex HMAC-SHA256 of the raw body with the secret&gt;</span>
            and <span class="mono">{HookProtocol.DeliveryHeader}: &lt;a unique id&gt;</span>; a delivery id seen before does nothing again.</p></section>
            """);
        html.Append(HookCreateForm.Render(request, state.Form ?? new HookFormValues(), stored));
        return Layout.Page(request, "Hooks", "hooks", html.ToString(), status);
    }

    public static IResult NotFound(DashboardRequest request, string name) =>
        Layout.Message(request, StatusCodes.Status404NotFound, "Not found", $"There is no hook named '{name}' (or it is another user's).");

    private static string Row(DashboardRequest request, HookDocument hook)
    {
        var name = Html.U(hook.Name);
        var owner = request.User.IsAdmin ? $"<td>{Html.E(hook.Owner)}</td>" : string.Empty;
        var created = Html.Time(hook.CreatedAt) + (hook.RotatedAt is { } rotated ? $"<br><span class=\"note-text\">secret rotated {Html.Time(rotated)}</span>" : string.Empty);
        return $"""
            <tr data-hook="{Html.E(hook.Name)}"><td class="mono">{Html.E(hook.Name)}</td><td>{ActionCell(hook)}</td>
            <td><code class="hook-url" data-testid="hook-url">{Html.E(hook.Url)}</code></td>{owner}<td class="nowrap">{created}</td>
            <td class="nowrap"><form method="post" action="/hooks/{name}/rotate" class="inline-form">{request.CsrfInput}<button type="submit" aria-label="Rotate the secret of {Html.E(hook.Name)}">Rotate secret</button></form>
            <form method="get" action="/hooks/{name}/delete" class="inline-form"><button type="submit" class="danger" aria-label="Delete {Html.E(hook.Name)}">Delete</button></form></td></tr>
            """;
    }

    /// <summary>What a hook does: the routine it starts with its input mapping and key, or the event it raises with its key and value paths.</summary>
    private static string ActionCell(HookDocument hook)
    {
        if (hook.Start is { } start)
        {
            var input = start.Input is { Count: > 0 } fields
                ? string.Join(", ", fields.Select(f => $"<code>{Html.E(f.Key)} ← {Html.E(f.Value)}</code>"))
                : "<span class=\"muted\">none</span>";
            var key = start.Key is null ? "<span class=\"muted\">none</span>" : $"<code>{Html.E(start.Key)}</code>";
            return $"""
                <span class="tag">start</span> <a href="/routines/{Html.U(start.Routine)}">{Html.E(start.Routine)}</a>
                <dl class="hook-map"><dt>Input</dt><dd>{input}</dd><dt>Key</dt><dd>{key}</dd></dl>
                """;
        }

        var raise = hook.Event!;
        var value = raise.Value is null ? "<span class=\"muted\">none</span>" : $"<code>{Html.E(raise.Value)}</code>";
        return $"""
            <span class="tag">event</span> <span class="mono">{Html.E(raise.Name)}</span>
            <dl class="hook-map"><dt>Key</dt><dd><code>{Html.E(raise.Key)}</code></dd><dt>Value</dt><dd>{value}</dd></dl>
            """;
    }

    private static string SecretBox(HookSecretShown shown) => $"""
        <section class="alert secret-box" role="status" aria-labelledby="secret-h">
        <h2 id="secret-h">{(shown.Rotated ? "New secret" : "Secret")} of hook <span class="mono">{Html.E(shown.Name)}</span></h2>
        <p><strong>Shown only this once: copy it now.</strong> It will not be shown again; if it is lost, rotate the secret.
        {(shown.Rotated ? "Deliveries signed with the old secret are refused from now on." : "The sender signs each delivery with it.")}</p>
        <pre id="hook-secret" data-testid="hook-secret">{Html.E(shown.Secret)}</pre>
        <button type="button" data-copy="hook-secret" hidden>Copy secret</button> <span class="copy-done" aria-live="polite"></span>
        <p>Post deliveries to <code data-testid="secret-url">{Html.E(shown.Url)}</code>.</p>
        </section>
        """;

    private static string? Deleted(string? name) =>
        name is null ? null : $"Hook <strong>{Html.E(name)}</strong> deleted: its URL answers 401 from now on. The flows it started stay.";
}
