using System.Security.Claims;
using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Routines;

/// <summary><c>/api/v1/routines</c>: stored, versioned flow specs, shared by every user.</summary>
internal static class RoutineEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/routines").WithTags("Routines");
        group.MapPost("/", SaveAsync).WithName("SaveRoutine").WithSummary("Save a routine")
            .WithDescription("Store a routine: 201 when the spec is new or changed (a new version), 200 when it is unchanged. An invalid spec is 400 with every error under its spec path.");
        group.MapGet("/", ListAsync).WithName("ListRoutines").WithSummary("List routines").WithDescription("The newest version of every routine, without specs.");
        group.MapGet("/{name}", GetAsync).WithName("GetRoutine").WithSummary("Get a routine")
            .WithDescription("One routine with its spec, secret params masked (the newest version unless ?version=N).")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<RoutineSaved>, Ok<RoutineSaved>, ProblemHttpResult>> SaveAsync(
        SaveRoutineBody body, ClaimsPrincipal user, RoutineSaving saving, CancellationToken cancellationToken)
    {
        var result = await saving.SaveAsync(body.Name, body.Spec, Callers.From(user).Name, cancellationToken).ConfigureAwait(false);
        if (result.Saved is not { } saved)
        {
            return result.Error == SaveRoutineError.InvalidSpec ? Problems.Spec(result.SpecErrors, "spec") : Problems.Field(result.Field!, result.Problem!);
        }

        var document = new RoutineSaved(saved.Name, saved.Version);
        return result.NewVersion
            ? TypedResults.Created($"/api/v1/routines/{Uri.EscapeDataString(saved.Name)}?version={saved.Version}", document)
            : TypedResults.Ok(document);
    }

    private static async Task<Ok<IReadOnlyList<RoutineSummary>>> ListAsync(IRoutineStore store, PauseVerbs pauses, CancellationToken cancellationToken)
    {
        var routines = await store.ListRoutinesAsync(cancellationToken).ConfigureAwait(false);
        var paused = (await pauses.ListPausedAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Name, StringComparer.Ordinal);
        return TypedResults.Ok<IReadOnlyList<RoutineSummary>>([.. routines.Select(r => RoutineSummary.Of(r, paused.GetValueOrDefault(r.Name)))]);
    }

    private static async Task<Results<Ok<RoutineDocument>, ProblemHttpResult>> GetAsync(
        string name, int? version, IRoutineStore store, PauseVerbs pauses, ITaskCatalog catalog, CancellationToken cancellationToken)
    {
        var routine = await store.GetRoutineAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (routine is null)
        {
            return Problems.NotFound(version is { } v ? $"routine '{name}' has no version {v}" : $"routine '{name}' does not exist");
        }

        var paused = await pauses.FindPausedAsync(routine.Name, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new RoutineDocument(RoutineSummary.Of(routine, paused), SecretParams.RedactSpec(JsonNode.Parse(routine.SpecJson), catalog)));
    }
}
