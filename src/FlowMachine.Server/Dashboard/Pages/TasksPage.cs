using System.Text;
using FlowMachine.Registry;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>The task types this server can run, with descriptions and parameters.</summary>
internal static class TasksPage
{
    public static IResult Render(HttpContext http, ITaskCatalog catalog)
    {
        var request = DashboardRequest.For(http);
        var html = new StringBuilder("<h1>Task types</h1><p class=\"lead\">What a step's <span class=\"mono\">task_type</span> can name on this server.</p><div class=\"tasks\">");
        foreach (var t in catalog.All.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var check = t.HasCheck ? " <span class=\"tag\">check</span>" : string.Empty;
            html.Append($"""<article class="card task" aria-label="{Html.E(t.Name)}"><h2 class="mono">{Html.E(t.Name)}{check}</h2><p>{Html.E(t.Description ?? "No description.")}</p>""");
            if (t.ParamsSchema is { } schema)
            {
                ParamsSchemaTable.Append(html, schema, t.Params);
            }
            else if (t.Params.Count > 0)
            {
                html.Append("<table><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Description</th></tr></thead><tbody>");
                foreach (var p in t.Params)
                {
                    var flags = (p.Required ? " <span class=\"tag\">required</span>" : string.Empty) + (p.Secret ? " <span class=\"tag\">secret</span>" : string.Empty);
                    html.Append($"<tr><td class=\"mono\">{Html.E(p.Name)}{flags}</td><td>{Html.E(p.Description)}</td></tr>");
                }

                html.Append("</tbody></table>");
            }

            var facts = new List<string>();
            if (t.MaxAttempts > 1)
            {
                facts.Add($"up to {t.MaxAttempts} attempts");
            }

            if (t.TimeoutSeconds > 0)
            {
                facts.Add($"times out after {t.TimeoutSeconds} s");
            }

            if (t.MaxConcurrency > 0)
            {
                facts.Add($"at most {t.MaxConcurrency} at once");
            }

            if (t.RateLimit > 0)
            {
                facts.Add($"at most {t.RateLimit} starts per {(t.RatePeriodSeconds > 0 ? t.RatePeriodSeconds : 1)} s");
            }

            // A plugin's file path says where the server keeps its files: for administrators only.
            if (t.Source is not null && (request.User.IsAdmin || !IsPath(t.Source)))
            {
                facts.Add($"from <span class=\"task-source\">{Html.E(t.Source)}</span>");
            }

            if (facts.Count > 0)
            {
                html.Append($"<p class=\"note\">{string.Join(" · ", facts)}</p>");
            }

            html.Append("</article>");
        }

        html.Append("</div>");
        return Layout.Page(request, "Task types", "tasks", html.ToString());
    }

    private static bool IsPath(string source) => source.Contains('/', StringComparison.Ordinal) || source.Contains('\\', StringComparison.Ordinal) || Path.IsPathRooted(source);
}
