using System.Text;
using FlowMachine.Operations;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>The routines with their versions, and the form that adds one from pasted JSON or YAML.</summary>
internal static class RoutinesPage
{
    private const string Example = "tasks: [test.One, test.Two, test.Wait, test.Three]";

    public static Task<IResult> RenderAsync(HttpContext http, IRoutineStore store, CancellationToken cancellationToken) =>
        RenderAsync(DashboardRequest.For(http), store, null, null, [], null, StatusCodes.Status200OK, cancellationToken);

    /// <summary>The page; after a refused spec, the form keeps what was typed and shows each error at its line.</summary>
    public static async Task<IResult> RenderAsync(
        DashboardRequest request, IRoutineStore store, string? name, string? spec, IReadOnlyList<SpecError> errors, string? problem, int status, CancellationToken cancellationToken)
    {
        var routines = await store.ListRoutinesAsync(cancellationToken).ConfigureAwait(false);
        var paused = await Forms.PauseForms.PausedAsync(request, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append("<h1>Routines</h1><p class=\"lead\">Named, versioned flow specs. A changed spec saved under the same name becomes a new version; running flows keep theirs.</p>");
        html.Append("<section class=\"card\" aria-labelledby=\"list-h\"><h2 id=\"list-h\">Stored routines</h2>");
        if (routines.Count == 0)
        {
            html.Append("<p class=\"muted\">No routines yet. Add one below.</p>");
        }
        else
        {
            html.Append("<table aria-label=\"Routines\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Versions</th><th scope=\"col\">Steps</th><th scope=\"col\">Saved by</th><th scope=\"col\">Saved</th><th scope=\"col\">Runs</th></tr></thead><tbody>");
            foreach (var r in routines)
            {
                var versions = string.Join(" ", Enumerable.Range(1, r.Version).Reverse().Select(v => $"<a href=\"/routines/{Html.U(r.Name)}?version={v}\">v{v}</a>"));
                html.Append($"<tr data-routine=\"{Html.E(r.Name)}\"><td><a href=\"/routines/{Html.U(r.Name)}\">{Html.E(r.Name)}</a></td><td>{versions}</td><td>{StepCount(r.SpecJson)}</td><td>{Html.E(r.Owner)}</td><td>{Html.Time(r.CreatedAt)}</td><td>{Forms.PauseForms.RoutineCell(request, r.Name, paused.GetValueOrDefault(r.Name))}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
        html.Append($"""
            <section class="card" aria-labelledby="add-h"><h2 id="add-h">Add a routine</h2>
            <form method="post" action="/routines" aria-label="Add a routine" class="stack-form">{request.CsrfInput}
            <label for="routine-name">Name</label>
            <input id="routine-name" name="name" required maxlength="{InputLimits.MaxRoutineNameLength}" pattern="[A-Za-z0-9._\-]+" value="{Html.E(name)}" placeholder="seed-000">
            <label for="routine-spec">Spec (JSON or YAML)</label>
            <textarea id="routine-spec" name="spec" rows="10" required spellcheck="false" class="code" placeholder="{Html.E(Example)}">{Html.E(spec)}</textarea>
            <button type="submit">Save routine</button>
            </form>
            {Errors(spec, errors, problem)}
            </section>
            """);
        return Layout.Page(request, "Routines", "routines", html.ToString(), status);
    }

    /// <summary>Errors with a line are drawn beside that line of the pasted text; the rest are listed.</summary>
    private static string Errors(string? spec, IReadOnlyList<SpecError> errors, string? problem)
    {
        if (errors.Count == 0 && problem is null)
        {
            return string.Empty;
        }

        var html = new StringBuilder("<div class=\"spec-errors\" role=\"alert\" aria-label=\"Spec errors\"><h3>The spec was not saved</h3><ul>");
        if (problem is not null)
        {
            html.Append($"<li>{Html.E(problem)}</li>");
        }

        foreach (var e in errors)
        {
            var where = e.Line is { } line ? $"line {line}, " : string.Empty;
            html.Append($"<li data-error-line=\"{e.Line}\"><span class=\"mono\">{where}{Html.E(e.Path)}</span>: {Html.E(e.Message)}</li>");
        }

        html.Append("</ul>");
        var byLine = errors.Where(e => e.Line is not null).ToLookup(e => e.Line!.Value);
        if (spec is not null && byLine.Count > 0)
        {
            html.Append("<ol class=\"source\" aria-label=\"Spec with errors\">");
            var lines = spec.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var number = i + 1;
                var here = byLine[number].ToList();
                var cls = here.Count > 0 ? " class=\"has-error\"" : string.Empty;
                html.Append($"<li data-line=\"{number}\"{cls}><code>{Html.E(lines[i])}</code>");
                foreach (var e in here)
                {
                    html.Append($"<span class=\"line-error\">↑ {Html.E(e.Message)}</span>");
                }

                html.Append("</li>");
            }

            html.Append("</ol>");
        }

        html.Append("</div>");
        return html.ToString();
    }

    private static string StepCount(string specJson)
    {
        try
        {
            return SpecJson.Deserialize(specJson).Tasks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SpecException)
        {
            return "?";
        }
    }
}
