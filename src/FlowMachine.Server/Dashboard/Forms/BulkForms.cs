using System.Text;
using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Pages;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// The flows page's bulk actions over <see cref="FlowBulk"/>: the selected rows (<c>POST /flows/bulk</c>), and
/// "retry all failed in this view", which shows the count on a confirmation page (<c>GET /flows/bulk/confirm</c>)
/// before its form runs it (<c>POST /flows/bulk/confirm</c>). No script needed; every post checks its token.
/// </summary>
internal static class BulkForms
{
    public static async Task<IResult> SelectedAsync(HttpContext http, FlowBulk bulk, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var action = FormGuard.Text(form, "action");
        if (action is null || !FlowBulk.Actions.Contains(action, StringComparer.Ordinal))
        {
            return Layout.Message(request, StatusCodes.Status400BadRequest, "Not an action", $"Choose one of {string.Join(", ", FlowBulk.Actions)}.");
        }

        var ids = form["id"].Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return Layout.Message(request, StatusCodes.Status400BadRequest, "No flows selected", "Tick the flows to act on, then choose the action.");
        }

        var result = await bulk.RunOnAsync(request.User, action, ids, dryRun: false, cancellationToken).ConfigureAwait(false);
        return Done(request, result);
    }

    public static async Task<IResult> ConfirmAsync(HttpContext http, FlowBulk bulk, string? routine, string? key, string? q, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var (query, problem) = FlowsPage.Query(request, "FAILED", routine, key, q);
        if (query is null)
        {
            return Layout.Message(request, StatusCodes.Status400BadRequest, "Not a filter", problem!);
        }

        var count = await bulk.RunAsync(request.User, "retry", query, dryRun: true, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append($"""
            <section class="card">
            <h1>Retry all failed flows in this view</h1>
            <p><strong data-bulk-count="{count.Matched}">{count.Matched}</strong> failed flow{(count.Matched == 1 ? "" : "s")} match this view.</p>
            <form method="post" action="/flows/bulk/confirm">{request.CsrfInput}
            <input type="hidden" name="routine" value="{Html.E(routine)}">
            <input type="hidden" name="key" value="{Html.E(key)}">
            <input type="hidden" name="q" value="{Html.E(q)}">
            <button type="submit">Retry {count.Matched} flow{(count.Matched == 1 ? "" : "s")}</button> <a href="/flows?state=FAILED">Cancel</a>
            </form>
            </section>
            """);
        return Layout.Page(request, "Retry failed flows", "flows", html.ToString());
    }

    public static async Task<IResult> RetryFailedAsync(HttpContext http, FlowBulk bulk, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var (query, problem) = FlowsPage.Query(request, "FAILED", FormGuard.Text(form, "routine"), FormGuard.Text(form, "key"), FormGuard.Text(form, "q"));
        if (query is null)
        {
            return Layout.Message(request, StatusCodes.Status400BadRequest, "Not a filter", problem!);
        }

        var result = await bulk.RunAsync(request.User, "retry", query, dryRun: false, cancellationToken).ConfigureAwait(false);
        return Done(request, result);
    }

    private static HtmlResult Done(DashboardRequest request, FlowBulkResult result)
    {
        var html = new StringBuilder();
        html.Append($"<section class=\"card\" role=\"status\"><h1>Bulk {Html.E(result.Action)}</h1><p data-bulk-summary>{Html.E(result.Summary)}</p>");
        if (result.Refusals.Count > 0)
        {
            html.Append("<ul class=\"refusals\">");
            foreach (var refusal in result.Refusals)
            {
                html.Append($"<li><a href=\"/flows/{Html.U(refusal.Id)}\" class=\"mono\">{Html.E(refusal.Id)}</a>: {Html.E(refusal.Reason)}</li>");
            }

            html.Append("</ul>");
        }

        html.Append("<p><a href=\"/flows\">Back to the flows</a></p></section>");
        return Layout.Page(request, "Bulk " + result.Action, "flows", html.ToString());
    }
}
