using System.Globalization;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Specs;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>Adding a routine from pasted JSON or YAML, and starting a flow of a routine.</summary>
internal static class RoutineForms
{
    private const int MaxNameLength = 200;

    public static async Task<IResult> AddAsync(HttpContext http, FlowEngine engine, ITaskCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await FormGuard.ReadAsync(http).ConfigureAwait(false);
        var request = DashboardRequest.For(http);
        if (form is null)
        {
            return FlowActions.CsrfRefused(request);
        }

        var name = FormGuard.Text(form, "name");
        var text = form["spec"].ToString();
        string? problem = null;
        if (name is null || name.Length > MaxNameLength || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            problem = $"A routine name has 1 to {MaxNameLength} letters, digits, '.', '_' and '-'.";
        }
        else if (string.IsNullOrWhiteSpace(text))
        {
            problem = "Paste a spec: an object with 'tasks', or a list of task names.";
        }

        if (problem is not null)
        {
            return await RoutinesPage.RenderAsync(request, engine.Store, name, text, [], problem, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var compiled = SpecCompiler.Compile(text, catalog);
        if (!compiled.IsValid)
        {
            return await RoutinesPage.RenderAsync(request, engine.Store, name, text, compiled.Errors, null, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        var saved = await engine.Store.SaveRoutineAsync(name!, SpecJson.Serialize(compiled.Spec!), request.User.Name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return Results.Redirect($"/routines/{Uri.EscapeDataString(saved.Name)}?version={saved.Version}");
    }

    public static async Task<IResult> StartAsync(HttpContext http, string name, FlowEngine engine, CancellationToken cancellationToken)
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
            return await RoutinePage.RenderAsync(request, engine.Store, name, version, inputText, error, StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        StartFlowResult started;
        try
        {
            started = await engine.StartAsync(
                new StartFlowRequest
                {
                    Routine = name,
                    Version = version,
                    Input = input,
                    Key = FormGuard.Text(form, "key"),
                    Label = FormGuard.Text(form, "label"),
                    Owner = caller.Name,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SpecException ex)
        {
            return await RoutinePage.RenderAsync(request, engine.Store, name, version, inputText, string.Join(" ", ex.Errors.Select(e => e.ToString())), StatusCodes.Status400BadRequest, cancellationToken).ConfigureAwait(false);
        }

        // The same rule as the API: a key held by someone else's flow must not reveal that flow.
        if (!started.Created && !caller.Owns(started.Flow.Owner))
        {
            var message = caller.IsAdmin ? $"That key belongs to flow {started.Flow.Id} of another user; choose another key." : "That key belongs to another user's flow; choose another key.";
            return await RoutinePage.RenderAsync(request, engine.Store, name, version, inputText, message, StatusCodes.Status409Conflict, cancellationToken).ConfigureAwait(false);
        }

        return Results.Redirect($"/flows/{Uri.EscapeDataString(started.Flow.Id)}?notice=started");
    }
}
