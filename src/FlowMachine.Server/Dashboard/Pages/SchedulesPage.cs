using System.Text;
using FlowMachine.Operations;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// Every schedule (everyone sees every schedule, as with routines): its target, when it fires in words and as written,
/// its next fire time, its last flow and whether it is paused, with Pause, Resume and Trigger for its owner and administrators.
/// </summary>
internal static class SchedulesPage
{
    public static Task<IResult> RenderAsync(HttpContext http, ScheduleVerbs schedules, string? done, string? name, string? flow, CancellationToken cancellationToken) =>
        RenderAsync(DashboardRequest.For(http), schedules, Notice(done, name, flow), null, StatusCodes.Status200OK, cancellationToken);

    /// <summary>The page with a notice (what a form did) or an error above the table.</summary>
    public static async Task<IResult> RenderAsync(DashboardRequest request, ScheduleVerbs schedules, string? notice, string? error, int status, CancellationToken cancellationToken)
    {
        var listed = await schedules.ListAsync(cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append("<h1>Schedules</h1><p class=\"lead\">Flows started on a cron expression or an interval, exactly once per slot. Add and change schedules with <span class=\"mono\">flowmachine schedules</span> or the API.</p>");
        html.Append(Alerts(notice, error));
        html.Append("<section class=\"card\" aria-labelledby=\"schedules-h\"><h2 id=\"schedules-h\">Stored schedules</h2>");
        if (listed.Count == 0)
        {
            html.Append("<p class=\"muted\">No schedules yet. Add one with <span class=\"mono\">flowmachine schedules add</span>.</p></section>");
            return Layout.Page(request, "Schedules", "schedules", html.ToString(), status);
        }

        html.Append("""
            <table aria-label="Schedules"><thead><tr><th scope="col">Name</th><th scope="col">Target</th><th scope="col">When</th><th scope="col">Time zone</th>
            <th scope="col">Next fire</th><th scope="col">Last flow</th><th scope="col">Paused</th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead><tbody>
            """);
        foreach (var s in listed)
        {
            html.Append($"""
                <tr data-schedule="{Html.E(s.Name)}"><td class="nowrap"><a href="/schedules/{Html.U(s.Name)}">{Html.E(s.Name)}</a></td><td>{ScheduleCells.Target(s)}</td><td>{ScheduleCells.When(s)}</td>
                <td>{Html.E(s.TimeZone)}</td><td class="nowrap" data-testid="schedule-next">{ScheduleCells.NextFire(s)}</td><td>{ScheduleCells.LastFlow(s)}</td><td>{ScheduleCells.Paused(s)}</td>
                <td>{ScheduleCells.LastError(s)}</td><td>{ScheduleCells.Actions(request, s, "list")}</td></tr>
                """);
        }

        html.Append("</tbody></table></section>");
        return Layout.Page(request, "Schedules", "schedules", html.ToString(), status);
    }

    /// <summary>The notice and error boxes above a schedule page's content; the notice is already HTML.</summary>
    public static string Alerts(string? notice, string? error) =>
        (notice is null ? string.Empty : $"<p class=\"alert notice\" role=\"status\">{notice}</p>")
        + (error is null ? string.Empty : $"<p class=\"alert error\" role=\"alert\">{Html.E(error)}</p>");

    /// <summary>What a schedule form did, after its redirect (post/redirect/get): as HTML, every value encoded.</summary>
    public static string? Notice(string? done, string? name, string? flow)
    {
        var schedule = $"<strong>{Html.E(name)}</strong>";
        return done switch
        {
            "pause" => $"Schedule {schedule} paused: it starts no flow until it is resumed.",
            "resume" => $"Schedule {schedule} resumed: it fires from its next slot on.",
            "trigger" when flow is not null => $"Schedule {schedule} started flow <a href=\"/flows/{Html.U(flow)}\" class=\"mono\">{Html.E(flow)}</a>.",
            _ => null,
        };
    }
}
