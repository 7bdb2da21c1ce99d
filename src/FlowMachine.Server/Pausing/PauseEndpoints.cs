using System.Security.Claims;
using FlowMachine.Operations;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Pausing;

/// <summary>
/// Suspend and resume a flow (its owner or an administrator), pause and resume a routine (the owner of its
/// newest version or an administrator). Answered at once with 200: the store holds the flow back from then on.
/// </summary>
internal static class PauseEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var flows = api.MapGroup("/flows").WithTags("Flows");
        flows.MapPost("/{id}/suspend", (string id, ClaimsPrincipal user, PauseVerbs verbs, CancellationToken ct) => SuspendAsync(id, true, user, verbs, ct))
            .WithName("SuspendFlow").WithSummary("Suspend a flow").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithDescription("Suspend the flow: steps in flight finish, nothing more runs until it is resumed; 409 if it has ended.").Idempotent();
        flows.MapPost("/{id}/resume", (string id, ClaimsPrincipal user, PauseVerbs verbs, CancellationToken ct) => SuspendAsync(id, false, user, verbs, ct))
            .WithName("ResumeFlow").WithSummary("Resume a flow").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithDescription("Resume a suspended flow; 409 if it has ended.").Idempotent();
        var routines = api.MapGroup("/routines").WithTags("Routines");
        routines.MapPost("/{name}/pause", (string name, ClaimsPrincipal user, PauseVerbs verbs, CancellationToken ct) => PauseAsync(name, true, user, verbs, ct))
            .WithName("PauseRoutine").WithSummary("Pause a routine").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithDescription("Pause a routine: its flows are stored and accepted but not run until it resumes.").Idempotent();
        routines.MapPost("/{name}/resume", (string name, ClaimsPrincipal user, PauseVerbs verbs, CancellationToken ct) => PauseAsync(name, false, user, verbs, ct))
            .WithName("ResumeRoutine").WithSummary("Resume a routine").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithDescription("Resume a paused routine: its waiting flows run.").Idempotent();
    }

    private static async Task<Results<Ok<FlowHold>, ProblemHttpResult>> SuspendAsync(string id, bool suspend, ClaimsPrincipal user, PauseVerbs verbs, CancellationToken cancellationToken)
    {
        var result = await verbs.SuspendAsync(Callers.From(user), id, suspend, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            HoldStatus.Changed or HoldStatus.Unchanged => TypedResults.Ok(new FlowHold(id, result.State!.Value.ToName(), suspend, result.Status == HoldStatus.Changed)),
            HoldStatus.Ended => Problems.Conflict(PauseVerbs.EndedMessage(id, result.State, suspend)),
            _ => Problems.FlowNotFound(id),
        };
    }

    private static async Task<Results<Ok<RoutineHold>, ProblemHttpResult>> PauseAsync(string name, bool pause, ClaimsPrincipal user, PauseVerbs verbs, CancellationToken cancellationToken)
    {
        var result = await verbs.PauseRoutineAsync(Callers.From(user), name, pause, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            HoldStatus.Changed or HoldStatus.Unchanged => TypedResults.Ok(new RoutineHold(name, pause, result.Status == HoldStatus.Changed)),
            HoldStatus.Forbidden => TypedResults.Problem($"only the owner of routine {name} or an administrator may {(pause ? "pause" : "resume")} it", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
            _ => Problems.NotFound($"routine {name} does not exist"),
        };
    }
}
