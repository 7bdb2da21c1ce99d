using FlowMachine.Hooks;
using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Server.Hooks;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// The hooks page's forms over <see cref="HookVerbs"/>, the same rules as the API: create and rotate answer with the
/// page showing the secret once (never in a URL); delete first shows a confirmation page, then redirects with a notice.
/// A user acts only on their own hooks (another user's is 404), an administrator on every hook.
/// </summary>
internal static class HookForms
{
    public static async Task<IResult> CreateAsync(HttpContext http, HookVerbs hooks, IRoutineStore routines, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var values = new HookFormValues(
            FormGuard.Text(form, "name"), FormGuard.Text(form, "action") ?? "start", FormGuard.Text(form, "routine"), form["input"].ToString(),
            FormGuard.Text(form, "start_key"), FormGuard.Text(form, "event_name"), FormGuard.Text(form, "event_key"), FormGuard.Text(form, "event_value"));
        Dictionary<string, string>? input = null;
        if (values.Action == "start" && !TryReadInput(values.Input, out input, out var inputProblem))
        {
            return await RefusedAsync(request, hooks, routines, values with { Field = "start.input", Problem = inputProblem }, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var body = values.Action switch
        {
            "start" => new HookRequest(values.Name, Start: new HookStart(values.Routine, input, values.StartKey)),
            "event" => new HookRequest(values.Name, Event: new HookEvent(values.EventName, values.EventKey, values.EventValue)),
            _ => new HookRequest(values.Name),
        };
        var result = await hooks.CreateAsync(request.User, body, cancellationToken).ConfigureAwait(false);
        if (result.Hook is not { } hook)
        {
            var status = result.Outcome == HookOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return await RefusedAsync(request, hooks, routines, values with { Field = result.Field, Problem = result.Problem }, status, cancellationToken).ConfigureAwait(false);
        }

        var shown = new HookSecretShown(hook.Name, hook.Secret, HookUrls.For(http.Request)(hook.Name), Rotated: false);
        var notice = $"Hook <strong>{Html.E(hook.Name)}</strong> created.";
        return await HooksPage.RenderAsync(request, hooks, routines, new HooksPageState(notice, Secret: shown), StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IResult> RotateAsync(HttpContext http, string name, HookVerbs hooks, IRoutineStore routines, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        if ((await hooks.RotateAsync(request.User, name, cancellationToken).ConfigureAwait(false)).Hook is not { } hook)
        {
            return HooksPage.NotFound(request, name);
        }

        var shown = new HookSecretShown(hook.Name, hook.Secret, HookUrls.For(http.Request)(hook.Name), Rotated: true);
        return await HooksPage.RenderAsync(request, hooks, routines, new HooksPageState(Secret: shown), StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The page that asks before a hook is deleted (no script needed): what deleting does, and the form that does it.</summary>
    public static async Task<IResult> ConfirmDeleteAsync(HttpContext http, string name, HookVerbs hooks, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        if (await hooks.GetAsync(request.User, name, cancellationToken).ConfigureAwait(false) is null)
        {
            return HooksPage.NotFound(request, name);
        }

        var html = $"""
            <section class="card">
            <h1>Delete hook {Html.E(name)}?</h1>
            <p>Its URL answers 401 from now on, and the delivery ids it remembers are forgotten. The flows it started stay. This cannot be undone.</p>
            <form method="post" action="/hooks/{Html.U(name)}/delete">{request.CsrfInput}
            <button type="submit" class="danger">Delete hook {Html.E(name)}</button> <a href="/hooks">Cancel</a>
            </form>
            </section>
            """;
        return Layout.Page(request, "Delete hook " + name, "hooks", html);
    }

    public static async Task<IResult> DeleteAsync(HttpContext http, string name, HookVerbs hooks, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        return await hooks.DeleteAsync(request.User, name, cancellationToken).ConfigureAwait(false)
            ? Results.Redirect("/hooks?deleted=" + Uri.EscapeDataString(name))
            : HooksPage.NotFound(request, name);
    }

    private static Task<IResult> RefusedAsync(DashboardRequest request, HookVerbs hooks, IRoutineStore routines, HookFormValues values, int status, CancellationToken cancellationToken) =>
        HooksPage.RenderAsync(request, hooks, routines, new HooksPageState(Form: values), status, cancellationToken);

    /// <summary>The input mapping typed as one <c>field=path</c> a line (as <c>--input</c> takes it); null when empty.</summary>
    private static bool TryReadInput(string? text, out Dictionary<string, string>? input, out string? problem)
    {
        input = null;
        problem = null;
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var split = line.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                problem = $"'{line}' is not field=path: write each input field as its name, '=' and a path, one a line";
                return false;
            }

            var field = line[..split].Trim();
            input ??= new Dictionary<string, string>(StringComparer.Ordinal);
            if (!input.TryAdd(field, line[(split + 1)..].Trim()))
            {
                problem = $"the input field '{field}' is given twice";
                return false;
            }
        }

        return true;
    }
}
