using System.Globalization;
using FlowMachine.Operations;
using FlowMachine.Scheduling;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>The parts of a schedule both schedule pages show: its target, when it fires, its last flow, and the forms that change it.</summary>
internal static class ScheduleCells
{
    /// <summary>Whether the caller may pause, resume or trigger it: its owner or an administrator (everyone sees it).</summary>
    public static bool MayChange(Caller caller, ScheduleDocument schedule) => caller.IsAdmin || caller.Owns(schedule.Owner);

    public static string Target(ScheduleDocument s) => s.Routine is { } routine
        ? $"<a href=\"/routines/{Html.U(routine)}{(s.Version is { } v ? $"?version={v}" : string.Empty)}\">{Html.E(routine)}</a> <span class=\"muted\">{(s.Version is { } pinned ? $"v{pinned}" : "latest")}</span>"
        : "<span class=\"muted\">inline spec</span>";

    /// <summary>The expression in words, with the raw cron expression or interval under it.</summary>
    public static string When(ScheduleDocument s) =>
        $"<span data-testid=\"schedule-words\">{Html.E(s.Description)}</span><br><span class=\"mono muted nowrap\" data-testid=\"schedule-raw\">{Html.E(Raw(s))}</span>";

    public static string Raw(ScheduleDocument s) => s.Cron is { } cron ? $"cron {cron}" : $"every {s.Every}";

    /// <summary>A fire time in UTC, and in the schedule's own zone when that is another.</summary>
    public static string Fire(DateTimeOffset? at, string zone)
    {
        if (at is not { } time)
        {
            return "<span class=\"muted\">—</span>";
        }

        var utc = $"{Html.Time(time)} UTC";
        if (string.Equals(zone, "UTC", StringComparison.OrdinalIgnoreCase) || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var info))
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(time, info);
        return $"{utc}<br><span class=\"muted\">({local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {Html.E(zone)})</span>";
    }

    public static string NextFire(ScheduleDocument s) =>
        s.NextFireTimes.Count > 0 ? Fire(s.NextFireTimes[0], s.TimeZone)
        : s.Paused ? "<span class=\"muted\">paused</span>"
        : "<span class=\"muted\">none (ended)</span>";

    /// <summary>The start and end times, when it has them.</summary>
    public static string Window(ScheduleDocument s) => s.StartAt is null && s.EndAt is null
        ? "<span class=\"muted\">no start or end</span>"
        : $"from {Fire(s.StartAt, s.TimeZone)} to {Fire(s.EndAt, s.TimeZone)}";

    public static string LastFlow(ScheduleDocument s) => s.LastFlowId is { } id
        ? $"<a href=\"/flows/{Html.U(id)}\" class=\"mono\">{Html.E(id)}</a> {(s.LastFlowState is { } state ? Html.Badge(state) : string.Empty)}<br><span class=\"muted small\">slot {Html.Time(s.LastSlot)}</span>"
        : "<span class=\"muted\">none yet</span>";

    public static string Paused(ScheduleDocument s) => s.Paused
        ? $"<span class=\"tag\" data-testid=\"schedule-paused\">paused</span>{(s.Note is { Length: > 0 } note ? $" <span class=\"note-text\">{Html.E(note)}</span>" : string.Empty)}"
        : "<span class=\"muted\" data-testid=\"schedule-active\">active</span>";

    public static string LastError(ScheduleDocument s) =>
        s.LastError is { } error ? $"<span class=\"error-text\">{Html.E(error)}</span>" : "<span class=\"muted\">—</span>";

    /// <summary>Pause (with an optional note) or Resume, and Trigger; empty for someone who may not change the schedule.</summary>
    public static string Actions(DashboardRequest request, ScheduleDocument s, string back)
    {
        if (!MayChange(request.User, s))
        {
            return string.Empty;
        }

        var action = $"/schedules/{Html.U(s.Name)}";
        var name = Html.E(s.Name);
        var hidden = $"{request.CsrfInput}<input type=\"hidden\" name=\"back\" value=\"{back}\">";
        var toggle = s.Paused
            ? $"""<form method="post" action="{action}/resume">{hidden}<button type="submit" aria-label="Resume {name}">Resume</button></form>"""
            : $"""<form method="post" action="{action}/pause">{hidden}<input name="note" maxlength="500" placeholder="note (optional)" aria-label="Why pause {name}"><button type="submit" class="danger" aria-label="Pause {name}">Pause</button></form>""";
        return $"""<div class="schedule-forms">{toggle}<form method="post" action="{action}/trigger">{hidden}<button type="submit" aria-label="Trigger {name} now">Trigger</button></form></div>""";
    }
}
