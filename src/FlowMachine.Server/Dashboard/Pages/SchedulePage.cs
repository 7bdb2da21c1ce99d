using System.Text;
using FlowMachine.Operations;
using FlowMachine.Scheduling;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>One schedule: its definition, its next 10 fire times, the latest flows it started (those the caller may see), and its forms.</summary>
internal static class SchedulePage
{
    private const int RecentFlows = 10;

    public static Task<IResult> RenderAsync(HttpContext http, ScheduleVerbs schedules, IFlowQueryStore flows, string name, string? done, string? flow, CancellationToken cancellationToken) =>
        RenderAsync(DashboardRequest.For(http), schedules, flows, name, SchedulesPage.Notice(done, name, flow), null, StatusCodes.Status200OK, cancellationToken);

    public static async Task<IResult> RenderAsync(
        DashboardRequest request, ScheduleVerbs schedules, IFlowQueryStore flows, string name, string? notice, string? error, int status, CancellationToken cancellationToken)
    {
        if (await schedules.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } s)
        {
            return NotFound(request, name);
        }

        var html = new StringBuilder();
        html.Append($"""
            <p class="crumbs"><a href="/schedules">Schedules</a> /</p>
            <h1>{Html.E(s.Name)} {ScheduleCells.Paused(s)}</h1>
            {SchedulesPage.Alerts(notice, error)}
            <section class="card" aria-labelledby="definition-h"><h2 id="definition-h">Definition</h2>
            <dl class="meta">
            <div><dt>Target</dt><dd>{ScheduleCells.Target(s)}</dd></div>
            <div><dt>When</dt><dd>{ScheduleCells.When(s)}</dd></div>
            <div><dt>Time zone</dt><dd>{Html.E(s.TimeZone)}</dd></div>
            <div><dt>Overlap</dt><dd>{Html.E(s.Overlap)}</dd></div>
            <div><dt>Catch-up</dt><dd>{(s.Catchup is { } c ? $"missed slots within {Html.E(c["window"])}, at most {Html.E(c["max"])}" : "the latest missed slot only")}</dd></div>
            <div><dt>Window</dt><dd>{ScheduleCells.Window(s)}</dd></div>
            <div><dt>Owner</dt><dd>{Html.E(s.Owner ?? "—")}</dd></div>
            <div><dt>Tags</dt><dd>{(s.Tags.Count == 0 ? "<span class=\"muted\">none</span>" : string.Join(" ", s.Tags.Select(t => $"<span class=\"tag\">{Html.E(t)}</span>")))}</dd></div>
            <div><dt>Last flow</dt><dd>{ScheduleCells.LastFlow(s)}</dd></div>
            <div><dt>Last error</dt><dd>{ScheduleCells.LastError(s)}</dd></div>
            </dl>
            {(s.Input is { } input ? $"<h3>Input</h3><pre aria-label=\"Input\">{Html.E(Html.Json(input))}</pre>" : string.Empty)}
            <div class="schedule-actions">{ScheduleCells.Actions(request, s, "detail")}</div>
            </section>
            """);
        html.Append("<section class=\"card\" aria-labelledby=\"next-h\"><h2 id=\"next-h\">Next fire times</h2>");
        html.Append(s.NextFireTimes.Count == 0
            ? $"<p class=\"muted\">{(s.Paused ? "None while paused." : "None: the schedule has ended.")}</p>"
            : $"<ol aria-label=\"Next fire times\">{string.Concat(s.NextFireTimes.Select(t => $"<li>{ScheduleCells.Fire(t, s.TimeZone)}</li>"))}</ol>");
        html.Append("</section>");
        html.Append(await RecentAsync(request, flows, s, cancellationToken).ConfigureAwait(false));
        return Layout.Page(request, s.Name, "schedules", html.ToString(), status);
    }

    public static IResult NotFound(DashboardRequest request, string name) =>
        Layout.Message(request, StatusCodes.Status404NotFound, "Schedule not found", $"There is no schedule named '{name}'.");

    private static async Task<string> RecentAsync(DashboardRequest request, IFlowQueryStore flows, ScheduleDocument s, CancellationToken cancellationToken)
    {
        var query = new FlowQuery { Schedule = s.Name, Owner = request.User.IsAdmin ? null : request.User.Name, Limit = RecentFlows };
        var page = await flows.ListFlowsAsync(query, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder("<section class=\"card\" aria-labelledby=\"recent-h\"><h2 id=\"recent-h\">Latest flows</h2>");
        if (page.Items.Count == 0)
        {
            html.Append("<p class=\"muted\">No flows of this schedule that you may see.</p></section>");
            return html.ToString();
        }

        html.Append("<table aria-label=\"Latest flows\"><thead><tr><th scope=\"col\">Flow</th><th scope=\"col\">Slot</th><th scope=\"col\">State</th><th scope=\"col\">Updated</th></tr></thead><tbody>");
        foreach (var f in page.Items)
        {
            html.Append($"<tr data-flow-id=\"{Html.E(f.Id)}\"><td><a href=\"/flows/{Html.U(f.Id)}\" class=\"mono\">{Html.E(f.Id)}</a></td><td>{Html.Time(f.Slot)}</td><td>{Html.Badge(f.State.ToName())}</td><td>{Html.Time(f.UpdatedAt)}</td></tr>");
        }

        html.Append("</tbody></table></section>");
        return html.ToString();
    }
}
