using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// The schedule pages' forms (pause, resume, trigger): a thin adapter over <see cref="ScheduleVerbs"/>. Each checks the
/// CSRF token, then the verb applies the same rule as the API (the schedule's owner or an administrator); success redirects
/// back to the page the form was on (post/redirect/get), a trigger naming the flow it started.
/// </summary>
internal static class ScheduleForms
{
    private const int MaxNoteLength = 500;

    public static async Task<IResult> HandleAsync(HttpContext http, string name, string action, ScheduleVerbs schedules, IFlowQueryStore flows, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var detail = FormGuard.Text(form, "back") == "detail";
        var note = FormGuard.Text(form, "note");
        if (note is { Length: > MaxNoteLength })
        {
            return await PageAsync(request, schedules, flows, name, detail, $"A note has at most {MaxNoteLength} characters.", StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var caller = request.User;
        var result = action switch
        {
            "pause" => await schedules.PauseAsync(name, note, caller, cancellationToken).ConfigureAwait(false),
            "resume" => await schedules.ResumeAsync(name, caller, cancellationToken).ConfigureAwait(false),
            _ => await schedules.TriggerAsync(name, caller, cancellationToken).ConfigureAwait(false),
        };
        var started = result.Started is { Created: [var first, ..] } ? first.Id : null;
        return result switch
        {
            { Outcome: ScheduleOutcome.NotFound } => SchedulePage.NotFound(request, name),
            { Outcome: ScheduleOutcome.Forbidden } => Layout.Message(request, StatusCodes.Status403Forbidden, "Forbidden", "Only the schedule's owner or an administrator may change it."),
            { Outcome: ScheduleOutcome.Busy } => await PageAsync(request, schedules, flows, name, detail, "Another worker is firing this schedule right now; try again in a moment.", StatusCodes.Status409Conflict, cancellationToken).ConfigureAwait(false),
            { Succeeded: true } when action != "trigger" || started is not null => Results.Redirect(Back(name, detail, action, started), preserveMethod: false),
            _ => await PageAsync(request, schedules, flows, name, detail, $"Nothing was started: {result.Started?.Error ?? "this slot has a flow already"}.", StatusCodes.Status409Conflict, cancellationToken).ConfigureAwait(false),
        };
    }

    private static string Back(string name, bool detail, string action, string? flow)
    {
        var query = $"?done={action}&name={Uri.EscapeDataString(name)}{(flow is null ? string.Empty : $"&flow={Uri.EscapeDataString(flow)}")}";
        return detail ? $"/schedules/{Uri.EscapeDataString(name)}{query}" : $"/schedules{query}";
    }

    private static Task<IResult> PageAsync(DashboardRequest request, ScheduleVerbs schedules, IFlowQueryStore flows, string name, bool detail, string error, int status, CancellationToken cancellationToken) =>
        detail
            ? SchedulePage.RenderAsync(request, schedules, flows, name, null, error, status, cancellationToken)
            : SchedulesPage.RenderAsync(request, schedules, null, error, status, cancellationToken);
}
