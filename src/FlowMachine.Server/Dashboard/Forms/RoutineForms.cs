using System.Globalization;
using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>Adding a routine from pasted JSON or YAML, and starting a flow of a routine.</summary>
internal static class RoutineForms
{
    public static async Task<IResult> AddAsync(HttpContext http, RoutineSaving saving, IRoutineStore routines, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var name = FormGuard.Text(form, "name");
        var text = form["spec"].ToString();
        var spec = string.IsNullOrWhiteSpace(text) ? null : JsonValue.Create(text);
        var result = await saving.SaveAsync(name, spec, request.User.Name, cancellationToken).ConfigureAwait(false);
        if (result.Saved is { } saved)
        {
            return Results.Redirect($"/routines/{Uri.EscapeDataString(saved.Name)}?version={saved.Version}");
        }

        var problem = result.Error switch
        {
            SaveRoutineError.Name => result.Problem,
            SaveRoutineError.MissingSpec => "Paste a spec: an object with 'tasks', or a list of task names.",
            _ => null,
        };
        return await RoutinesPage.RenderAsync(request, routines, name, text, result.SpecErrors, problem, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IResult> StartAsync(HttpContext http, string name, FlowVerbs verbs, IRoutineStore routines, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var caller = request.User;
        var inputText = form["input"].ToString();
        int? version = int.TryParse(FormGuard.Text(form, "version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
        if (!JsonField.TryParse(inputText, "The input", out var input, out var error))
        {
            return await RoutinePage.RenderAsync(request, routines, name, version, inputText, error, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        FlowStartResult result;
        try
        {
            result = await verbs.StartAsync(
                caller,
                new StartFlowRequest
                {
                    Routine = name,
                    Version = version,
                    Input = input,
                    Key = FormGuard.Text(form, "key"),
                    Label = FormGuard.Text(form, "label"),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SpecException ex)
        {
            return await RoutinePage.RenderAsync(request, routines, name, version, inputText, string.Join(" ", ex.Errors.Select(e => e.ToString())), StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        // The same rule as the API: a key held by someone else's flow must not reveal that flow.
        var started = result.Started;
        if (result.KeyHeldByOther)
        {
            var message = caller.IsAdmin ? $"That key belongs to flow {started.Flow.Id} of another user; choose another key." : "That key belongs to another user's flow; choose another key.";
            return await RoutinePage.RenderAsync(request, routines, name, version, inputText, message, StatusCodes.Status409Conflict, cancellationToken).ConfigureAwait(false);
        }

        return Results.Redirect($"/flows/{Uri.EscapeDataString(started.Flow.Id)}?notice=started");
    }
}
