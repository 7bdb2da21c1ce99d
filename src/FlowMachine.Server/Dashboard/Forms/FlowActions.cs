using System.Globalization;
using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Pages;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// The flow page's forms: a thin adapter over <see cref="FlowVerbs"/>. Each checks the CSRF token, then the
/// same ownership rule as the API (someone else's flow is 404), then queues the command; success redirects
/// back to the flow (post/redirect/get).
/// </summary>
internal static class FlowActions
{
    private const string WrongState = "The flow is not in a state this action applies to.";

    public static async Task<IResult> HandleAsync(HttpContext http, string id, string action, FlowVerbs verbs, FlowPageReads reads, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return CsrfRefused(request);
        }

        var caller = request.User;
        var view = await verbs.ViewAsync(id, caller, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return FlowPage.NotFound(request, id);
        }

        if (!TryRead(form, id, action, out var verb, out var error))
        {
            return Layout.Message(request, StatusCodes.Status404NotFound, "Not found", $"There is no action '{action}'.");
        }

        // Who may use the verb is asked before its inputs are judged.
        if (verb is not null && !FlowVerbs.Allows(caller, verb))
        {
            return Forbidden(request);
        }

        if (verb is null || error is not null)
        {
            return await FlowPage.RenderAsync(request, reads, view, null, error, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var result = await verbs.SendAsync(caller, verb, cancellationToken).ConfigureAwait(false);
        var (status, message) = result switch
        {
            { Outcome: FlowVerbOutcome.Accepted } => (StatusCodes.Status303SeeOther, null),
            { Outcome: FlowVerbOutcome.Forbidden } => (StatusCodes.Status403Forbidden, null),
            { Outcome: FlowVerbOutcome.Invalid, Field: "name" } => (StatusCodes.Status400BadRequest, $"An event name has 1 to {InputLimits.MaxEventNameLength} characters."),
            { Outcome: FlowVerbOutcome.Invalid, StepCount: var count } => (StatusCodes.Status400BadRequest, $"The position is the index of one of the flow's {count} steps: 0 to {count - 1}."),
            { Command: { Status: CommandStatus.NotFound } refused } => (StatusCodes.Status404NotFound, refused.Message ?? WrongState),
            { Command: { } refused } => (StatusCodes.Status409Conflict, refused.Message ?? WrongState),
            _ => (StatusCodes.Status404NotFound, WrongState),
        };
        return status switch
        {
            StatusCodes.Status303SeeOther => Results.Redirect($"/flows/{Uri.EscapeDataString(id)}?notice={action}", preserveMethod: false),
            StatusCodes.Status403Forbidden => Forbidden(request),
            _ => await FlowPage.RenderAsync(request, reads, view, null, message, status, cancellationToken).ConfigureAwait(false),
        };
    }

    public static IResult CsrfRefused(DashboardRequest request) =>
        Layout.Message(request, StatusCodes.Status400BadRequest, "Form refused",
            "The form's security token is missing or stale (it protects against posts from other sites). Reload the page and try again.");

    private static HtmlResult Forbidden(DashboardRequest request) =>
        Layout.Message(request, StatusCodes.Status403Forbidden, "Forbidden", "Only administrators may move a flow's position.");

    /// <summary>
    /// The verb a form asks for; false for an unknown action. A value that is not JSON or a position that is
    /// not a number gives an error (and for a position still the verb, so the admin rule is asked first).
    /// </summary>
    private static bool TryRead(IFormCollection form, string id, string action, out FlowVerb? verb, out string? error)
    {
        verb = null;
        error = null;
        var step = FormGuard.Text(form, "step");
        switch (action)
        {
            case "push":
                if (JsonField.TryParse(form["value"], "The value", out var value, out error))
                {
                    verb = new FlowVerb.Push(id, value, step);
                }

                return true;
            case "submit":
                if (JsonField.TryParse(form["args"], "The arguments", out var args, out error))
                {
                    verb = new FlowVerb.Submit(id, args, step);
                }

                return true;
            case "event":
                var name = FormGuard.Text(form, "name");
                if (!InputLimits.IsEventName(name))
                {
                    verb = new FlowVerb.Event(id, name, null);
                }
                else if (JsonField.TryParse(form["value"], "The event value", out var eventValue, out error))
                {
                    verb = new FlowVerb.Event(id, name, eventValue);
                }

                return true;
            case "cancel":
                verb = new FlowVerb.Cancel(id, FormGuard.Text(form, "reason"));
                return true;
            case "reset":
                verb = new FlowVerb.Reset(id);
                return true;
            case "retry":
                verb = new FlowVerb.Retry(id);
                return true;
            case "position":
                if (!int.TryParse(FormGuard.Text(form, "position"), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
                {
                    error = "The position is the index of the step that should run next: 0 or more.";
                }

                verb = new FlowVerb.Position(id, position);
                return true;
            default:
                return false;
        }
    }
}
