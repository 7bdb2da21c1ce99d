using FlowMachine.Operations;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// Suspend/Resume on a flow's page and Pause/Resume on the routines page: a thin adapter over <see cref="PauseVerbs"/>
/// with the API's rules. Each checks the CSRF token; success redirects back (post/redirect/get).
/// </summary>
internal static class PauseForms
{
    public static async Task<IResult> FlowAsync(HttpContext http, string id, string action, PauseVerbs verbs, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var suspend = action == "suspend";
        var result = await verbs.SuspendAsync(request.User, id, suspend, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            HoldStatus.Changed or HoldStatus.Unchanged => Results.Redirect($"/flows/{Uri.EscapeDataString(id)}?notice={action}", preserveMethod: false),
            HoldStatus.Ended => Layout.Message(request, StatusCodes.Status409Conflict, "Flow has ended", PauseVerbs.EndedMessage(id, result.State, suspend) + "."),
            _ => Pages.FlowPage.NotFound(request, id),
        };
    }

    public static async Task<IResult> RoutineAsync(HttpContext http, string name, string action, PauseVerbs verbs, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var result = await verbs.PauseRoutineAsync(request.User, name, action == "pause", cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            HoldStatus.Changed or HoldStatus.Unchanged => Results.Redirect("/routines", preserveMethod: false),
            HoldStatus.Forbidden => Layout.Message(request, StatusCodes.Status403Forbidden, "Forbidden", "Only the routine's owner or an administrator may pause or resume it."),
            _ => Layout.Message(request, StatusCodes.Status404NotFound, "Routine not found", $"Routine {name} does not exist."),
        };
    }

    /// <summary>The badges of a held flow, for the flow page's title: empty when it runs.</summary>
    public static string Badges(FlowRecord flow)
    {
        if (flow.State.IsTerminal())
        {
            return string.Empty;
        }

        return (flow.Suspended ? " <span class=\"tag held\" data-testid=\"flow-suspended\">suspended</span>" : string.Empty)
            + (flow.RoutinePaused ? " <span class=\"tag held\" data-testid=\"flow-routine-paused\">routine paused</span>" : string.Empty);
    }

    /// <summary>The Suspend or Resume form of the flow's actions panel; empty once the flow has ended.</summary>
    public static string FlowForm(DashboardRequest request, FlowRecord flow)
    {
        if (flow.State.IsTerminal())
        {
            return string.Empty;
        }

        var action = $"/flows/{Html.U(flow.Id)}";
        return flow.Suspended
            ? $"""
                <form method="post" action="{action}/resume" aria-label="Resume the flow" class="action">{request.CsrfInput}
                <h3>Resume</h3><p class="note">The flow is suspended: a worker picks it up again.</p>
                <button type="submit">Resume flow</button></form>
                """
            : $"""
                <form method="post" action="{action}/suspend" aria-label="Suspend the flow" class="action">{request.CsrfInput}
                <h3>Suspend</h3><p class="note">Steps in flight finish; nothing more runs until it is resumed.</p>
                <button type="submit">Suspend flow</button></form>
                """;
    }

    /// <summary>The routines page's cell for one routine: its paused badge and the Pause or Resume button.</summary>
    public static string RoutineCell(DashboardRequest request, string name, PausedRoutine? paused) => $"""
        {(paused is not null ? PausedBadge(paused) + " " : string.Empty)}<form method="post" action="/routines/{Html.U(name)}/{(paused is not null ? "resume" : "pause")}" class="inline-form" aria-label="{(paused is not null ? "Resume" : "Pause")} {Html.E(name)}">{request.CsrfInput}<button type="submit">{(paused is not null ? "Resume" : "Pause")}</button></form>
        """;

    /// <summary>The "paused" badge of a paused routine; its title says since when and by whom.</summary>
    public static string PausedBadge(PausedRoutine paused) =>
        $"<span class=\"tag held\" data-testid=\"routine-paused\" title=\"{Html.E(PausedSince(paused))}\">paused</span>";

    /// <summary>"paused since 2026-12-06 05:00:00 UTC by alice".</summary>
    public static string PausedSince(PausedRoutine paused) =>
        $"paused since {paused.PausedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{(paused.PausedBy is null ? string.Empty : $" by {paused.PausedBy}")}";

    /// <summary>The paused routines by name, for the routines page.</summary>
    public static async Task<Dictionary<string, PausedRoutine>> PausedAsync(DashboardRequest request, CancellationToken cancellationToken)
    {
        var verbs = request.Http.RequestServices.GetRequiredService<PauseVerbs>();
        var paused = await verbs.ListPausedAsync(cancellationToken).ConfigureAwait(false);
        return paused.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }
}
