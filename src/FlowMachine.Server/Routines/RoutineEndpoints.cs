using System.Security.Claims;
using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Routines;

/// <summary><c>/api/v1/routines</c>: stored, versioned flow specs, shared by every user.</summary>
internal static class RoutineEndpoints
{
    private const int MaxNameLength = 200;

    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/routines").WithTags("Routines");
        group.MapPost("/", SaveAsync).WithName("SaveRoutine").WithSummary("Store a routine; a changed spec makes a new version.");
        group.MapGet("/", ListAsync).WithName("ListRoutines").WithSummary("The newest version of every routine.");
        group.MapGet("/{name}", GetAsync).WithName("GetRoutine").WithSummary("One routine with its spec (the newest version unless ?version=N).");
    }

    private static async Task<Results<Created<JsonObject>, Ok<JsonObject>, ProblemHttpResult>> SaveAsync(
        SaveRoutineBody body, ClaimsPrincipal user, IFlowStore store, FlowEngine engine, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            return Problems.Field("name", "a routine needs a name");
        }

        if (body.Name.Length > MaxNameLength || body.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            return Problems.Field("name", $"use up to {MaxNameLength} letters, digits, '.', '_' and '-'");
        }

        if (body.Spec is null)
        {
            return Problems.Field("spec", "a routine needs a spec: an object with 'tasks' or a list of task names");
        }

        var compiled = SpecInput.Compile(body.Spec, engine.Catalog, engine.Options.SpecLimits);
        if (!compiled.IsValid)
        {
            return Problems.Spec(compiled.Errors, "spec");
        }

        var before = await store.GetRoutineAsync(body.Name, null, cancellationToken).ConfigureAwait(false);
        var saved = await store.SaveRoutineAsync(body.Name, SpecJson.Serialize(compiled.Spec!), Caller.From(user).Name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var document = new JsonObject { ["name"] = saved.Name, ["version"] = saved.Version };
        return before is null || before.Version != saved.Version
            ? TypedResults.Created($"/api/v1/routines/{Uri.EscapeDataString(saved.Name)}?version={saved.Version}", document)
            : TypedResults.Ok(document);
    }

    private static async Task<Ok<JsonArray>> ListAsync(IFlowStore store, CancellationToken cancellationToken)
    {
        var routines = await store.ListRoutinesAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new JsonArray([.. routines.Select(r => (JsonNode)Summary(r))]));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetAsync(string name, int? version, IFlowStore store, ITaskCatalog catalog, CancellationToken cancellationToken)
    {
        var routine = await store.GetRoutineAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (routine is null)
        {
            return Problems.NotFound(version is { } v ? $"routine '{name}' has no version {v}" : $"routine '{name}' does not exist");
        }

        var document = Summary(routine);
        document["spec"] = SecretParams.RedactSpec(JsonNode.Parse(routine.SpecJson), catalog);
        return TypedResults.Ok(document);
    }

    private static JsonObject Summary(RoutineRecord routine) => new()
    {
        ["name"] = routine.Name,
        ["version"] = routine.Version,
        ["owner"] = routine.Owner,
        ["createdAt"] = routine.CreatedAt,
    };
}
