using System.Text;
using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Dag;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>One routine version: its spec, its DAG picture, its versions, and the form that starts a flow of it.</summary>
internal static class RoutinePage
{
    public static async Task<IResult> RenderAsync(HttpContext http, IRoutineStore store, string name, int? version, CancellationToken cancellationToken) =>
        await RenderAsync(DashboardRequest.For(http), store, name, version, null, null, StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false);

    public static async Task<IResult> RenderAsync(
        DashboardRequest request, IRoutineStore store, string name, int? version, string? input, string? error, int status, CancellationToken cancellationToken)
    {
        var routine = await store.GetRoutineAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (routine is null)
        {
            return Layout.Message(request, StatusCodes.Status404NotFound, "Routine not found",
                version is { } v ? $"Routine '{name}' has no version {v}." : $"Routine '{name}' does not exist.");
        }

        var spec = SpecJson.Deserialize(routine.SpecJson);
        var versions = await store.ListRoutineVersionsAsync(name, cancellationToken).ConfigureAwait(false);
        var paused = await request.Http.RequestServices.GetRequiredService<PauseVerbs>().FindPausedAsync(routine.Name, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append($"""
            <p class="crumbs"><a href="/routines">Routines</a> /</p>
            <h1>{Html.E(routine.Name)} <span class="tag">v{routine.Version}</span>{(paused is null ? string.Empty : " " + Forms.PauseForms.PausedBadge(paused))}</h1>
            <p class="lead">Saved by {Html.E(routine.Owner ?? "unknown")} at {Html.Time(routine.CreatedAt)} · {spec.Tasks.Count} steps · versions:
            {string.Join(" ", versions.Select(v => v.Version == routine.Version ? $"<strong>v{v.Version}</strong>" : $"<a href=\"/routines/{Html.U(name)}?version={v.Version}\">v{v.Version}</a>"))}
            · <a href="/flows?routine={Html.U(name)}">its flows</a></p>
            """);
        if (paused is not null)
        {
            html.Append($"<p class=\"note\" data-testid=\"routine-paused-since\">{Html.E(Forms.PauseForms.PausedSince(paused))}: its flows are stored but not run until it resumes (Resume on the <a href=\"/routines\">routines page</a>).</p>");
        }

        if (error is not null)
        {
            html.Append($"<p class=\"alert error\" role=\"alert\">{Html.E(error)}</p>");
        }

        html.Append($"""
            <section class="card" aria-labelledby="dag-h"><h2 id="dag-h">Steps</h2>
            <div class="dag-wrap">{DagSvg.Render(DagLayout.Arrange(spec), _ => null, $"Steps of routine {routine.Name}")}</div></section>
            <div class="grid2">
            <section class="card" aria-labelledby="start-h"><h2 id="start-h">Start a flow</h2>
            <form method="post" action="/routines/{Html.U(name)}/start" aria-label="Start a flow" class="stack-form">{request.CsrfInput}
            <input type="hidden" name="version" value="{routine.Version}">
            <label for="start-input">Input (JSON)</label>
            <textarea id="start-input" name="input" rows="5" data-json spellcheck="false" class="code" placeholder="optional">{Html.E(input)}</textarea>
            <p class="json-error" role="alert" aria-live="polite"></p>
            <label for="start-key">Key</label><input id="start-key" name="key" placeholder="optional: a second start with the same key returns the first flow">
            <label for="start-label">Label</label><input id="start-label" name="label" placeholder="optional">
            <button type="submit">Start flow</button>
            </form></section>
            <section class="card" aria-labelledby="spec-h"><h2 id="spec-h">Spec</h2>
            <pre class="code" aria-label="Spec">{Html.E(SpecJson.Serialize(spec, indented: true))}</pre></section>
            </div>
            """);
        return Layout.Page(request, routine.Name, "routines", html.ToString(), status);
    }
}
