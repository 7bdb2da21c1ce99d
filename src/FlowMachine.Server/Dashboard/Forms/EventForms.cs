using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Pages;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>Raising an event by key from the events page: for the signed-in user's flows (every flow for an administrator).</summary>
internal static class EventForms
{
    public static async Task<IResult> RaiseAsync(HttpContext http, EventVerbs events, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var name = FormGuard.Text(form, "name");
        var key = FormGuard.Text(form, "key");
        var id = FormGuard.Text(form, "id");
        var valueText = form["value"].ToString();
        var kept = new EventsPageState(null, null, null, null, name, key, valueText, id);
        if (!JsonField.TryParse(valueText, "The value", out var value, out var error))
        {
            return await EventsPage.RenderAsync(request, events, kept with { Error = error }, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var result = await events.RaiseAsync(request.User, name, key, value, id, cancellationToken).ConfigureAwait(false);
        if (result.Raised is not { } raised)
        {
            return await EventsPage.RenderAsync(request, events, kept with { Error = $"{result.Field}: {result.Problem}" }, StatusCodes.Status400BadRequest, cancellationToken)
                .ConfigureAwait(false);
        }

        var outcome = raised.Duplicate ? "duplicate" : "yes";
        return Results.Redirect($"/events?name={Uri.EscapeDataString(name!)}&key={Uri.EscapeDataString(key!)}&raised={outcome}&reached={raised.Reached}");
    }
}
