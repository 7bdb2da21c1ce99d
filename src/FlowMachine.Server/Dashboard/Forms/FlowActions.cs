using System.Globalization;
using FlowMachine.Engine;
using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Server.Flows;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// The flow page's forms. Each checks the CSRF token, then the same ownership rule as the API (someone
/// else's flow is 404), then queues the command; success redirects back to the flow (post/redirect/get).
/// </summary>
internal static class FlowActions
{
    private const int MaxEventNameLength = 200;

    public static async Task<IResult> HandleAsync(HttpContext http, string id, string action, FlowEngine engine, IFlowClient client, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return CsrfRefused(request);
        }

        var caller = request.User;
        var view = await FlowAccess.ViewAsync(engine, id, caller, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return FlowPage.NotFound(request, id);
        }

        string? error = null;
        Task<CommandResult>? send = null;
        var step = FormGuard.Text(form, "step");
        switch (action)
        {
            case "push":
                if (JsonField.TryParse(form["value"], "The value", out var value, out error))
                {
                    send = client.PushAsync(id, value, step, caller.Name, cancellationToken);
                }

                break;
            case "submit":
                if (JsonField.TryParse(form["args"], "The arguments", out var args, out error))
                {
                    send = client.SubmitAsync(id, args, step, caller.Name, cancellationToken);
                }

                break;
            case "event":
                var name = FormGuard.Text(form, "name");
                if (name is null || name.Length > MaxEventNameLength)
                {
                    error = $"An event name has 1 to {MaxEventNameLength} characters.";
                }
                else if (JsonField.TryParse(form["value"], "The event value", out var eventValue, out error))
                {
                    send = client.RaiseEventAsync(id, name, eventValue, cancellationToken);
                }

                break;
            case "cancel":
                send = client.CancelAsync(id, FormGuard.Text(form, "reason"), caller.Name, cancellationToken);
                break;
            case "reset":
                send = client.ResetAsync(id, caller.Name, cancellationToken);
                break;
            case "position":
                if (!caller.IsAdmin)
                {
                    return Layout.Message(request, StatusCodes.Status403Forbidden, "Forbidden", "Only administrators may move a flow's position.");
                }

                if (!int.TryParse(FormGuard.Text(form, "position"), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
                {
                    error = "The position is the index of the step that should run next: 0 or more.";
                }
                else if (position >= view.Steps.Count)
                {
                    error = $"The position is the index of one of the flow's {view.Steps.Count} steps: 0 to {view.Steps.Count - 1}.";
                }
                else
                {
                    send = client.SetPositionAsync(id, position, caller.Name, cancellationToken);
                }

                break;
            default:
                return Layout.Message(request, StatusCodes.Status404NotFound, "Not found", $"There is no action '{action}'.");
        }

        if (send is null)
        {
            return await FlowPage.RenderAsync(request, engine, view, null, error, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var result = await send.ConfigureAwait(false);
        if (result.Status == CommandStatus.Accepted)
        {
            return Results.Redirect($"/flows/{Uri.EscapeDataString(id)}?notice={action}", preserveMethod: false);
        }

        var status = result.Status == CommandStatus.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict;
        var message = result.Message ?? "The flow is not in a state this action applies to.";
        return await FlowPage.RenderAsync(request, engine, view, null, message, status, cancellationToken).ConfigureAwait(false);
    }

    public static IResult CsrfRefused(DashboardRequest request) =>
        Layout.Message(request, StatusCodes.Status400BadRequest, "Form refused",
            "The form's security token is missing or stale (it protects against posts from other sites). Reload the page and try again.");
}
