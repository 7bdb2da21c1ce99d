using System.Text;
using FlowMachine.Engine;
using FlowMachine.Retention;
using FlowMachine.Server.Dashboard.Overview;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>The overview: flows by state, steps per minute, workers alive, storage (administrators), failures needing attention.</summary>
internal static class OverviewPage
{
    public static async Task<IResult> RenderAsync(
        HttpContext http, IFlowQueryStore store, FlowEngineOptions engine, StepRate rate, FlowMachineServerOptions options, IFlowRetentionStore retention, RetentionSweeper sweeper, Diagnosis.AttentionReader attention, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var caller = request.User;
        var owner = caller.IsAdmin ? null : caller.Name;
        var counts = await store.CountFlowsByStateAsync(owner, cancellationToken).ConfigureAwait(false);
        var failed = await store.ListFlowsAsync(new FlowQuery { State = FlowState.Failed, Owner = owner, Limit = 10 }, cancellationToken).ConfigureAwait(false);
        var workers = await WorkerLeases.ReadAsync(store, engine, options, caller, cancellationToken).ConfigureAwait(false);

        var html = new StringBuilder();
        html.Append($"<h1>Overview</h1><p class=\"lead\">{(caller.IsAdmin ? "Every user's flows" : "Your flows")} at a glance.</p>");
        html.Append("<section aria-labelledby=\"counts-h\"><h2 id=\"counts-h\" class=\"visually-hidden\">Flows by state</h2><ul class=\"counts\">");
        foreach (var state in Enum.GetValues<FlowState>())
        {
            var name = state.ToName();
            var n = counts.GetValueOrDefault(state);
            html.Append($"""<li class="count state-{name.ToLowerInvariant()}"><a href="/flows?state={name}" aria-label="{n} {name} flows"><span class="count-n" data-count="{name}">{n}</span><span class="count-label">{name}</span></a></li>""");
        }

        html.Append("</ul></section><div class=\"grid2\">");
        html.Append($"""
            <section class="card" aria-labelledby="rate-h"><h2 id="rate-h">Steps per minute, last hour</h2>
            {StepRateChart.Render(rate.Read(owner))}
            <p class="note">Counted by this server's workers since it started.</p></section>
            """);
        html.Append("<section class=\"card\" aria-labelledby=\"workers-h\"><h2 id=\"workers-h\">Workers alive</h2>");
        if (workers.Count == 0)
        {
            html.Append("<p class=\"muted\">No worker holds a lease, and this server runs none.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th scope=\"col\">Worker</th><th scope=\"col\">Leases</th><th scope=\"col\">Last heartbeat</th></tr></thead><tbody>");
            foreach (var w in workers)
            {
                var flows = string.Join(" ", w.FlowIds.Take(5).Select(id => $"<a class=\"mono\" href=\"/flows/{Html.U(id)}\">{Html.E(id[..Math.Min(8, id.Length)])}</a>"));
                var local = w.Local ? " <span class=\"tag\">this server</span>" : string.Empty;
                var beat = w.LastHeartbeat is null ? "<span class=\"muted\">idle</span>" : Html.Time(w.LastHeartbeat);
                html.Append($"<tr><td class=\"mono\">{Html.E(w.Owner)}{local}</td><td>{w.Leases} {flows}</td><td>{beat}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section></div>");
        if (caller.IsAdmin)
        {
            // The database as a whole: for administrators only.
            html.Append(await StorageCard.RenderAsync(retention, sweeper, counts, cancellationToken).ConfigureAwait(false));
        }

        html.Append(await AttentionCard.RenderAsync(attention, owner, cancellationToken).ConfigureAwait(false));
        html.Append("<section class=\"card\" aria-labelledby=\"failed-h\"><h2 id=\"failed-h\">Failures needing attention</h2>");
        if (failed.Items.Count == 0)
        {
            html.Append("<p class=\"muted\">No failed flows. </p>");
        }
        else
        {
            html.Append("<table><thead><tr><th scope=\"col\">Flow</th><th scope=\"col\">Routine</th><th scope=\"col\">Error</th><th scope=\"col\">Updated</th></tr></thead><tbody>");
            foreach (var f in failed.Items)
            {
                html.Append($"<tr><td><a class=\"mono\" href=\"/flows/{Html.U(f.Id)}\">{Html.E(f.Label ?? f.Id)}</a></td><td>{Html.E(f.Routine ?? "inline spec")}</td><td class=\"error-text\">{Html.E(FirstLine(f.Error))}</td><td>{Html.Time(f.UpdatedAt)}</td></tr>");
            }

            html.Append("</tbody></table>");
            html.Append("<p><a href=\"/flows?state=FAILED\">All failed flows →</a></p>");
        }

        html.Append("</section>");
        return Layout.Page(request, "Overview", "overview", html.ToString());
    }

    private static string FirstLine(string? text) => text is null ? string.Empty : text.Split('\n', 2)[0];
}
