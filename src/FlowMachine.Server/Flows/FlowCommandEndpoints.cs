using System.Security.Claims;
using FlowMachine.Operations;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Flows;

/// <summary>
/// The verbs on one flow. Each is queued for the flow's worker and answered with 202; a flow the caller
/// may not see is 404, a flow in the wrong state 409.
/// </summary>
internal static class FlowCommandEndpoints
{
    public static void Map(RouteGroupBuilder flows)
    {
        Verb(flows.MapPost("/{id}/submit", SubmitAsync).WithName("SubmitFlow").WithSummary("Resubmit a waiting step")
            .WithDescription("Resubmit: the waiting step's check runs with args; it passes (the flow goes on) or it keeps waiting with a new reason. 409 if nothing waits."));
        Verb(flows.MapPost("/{id}/push", PushAsync).WithName("PushFlow").WithSummary("Push a value into a waiting step")
            .WithDescription("Force-step: the value becomes the waiting step's result; 409 if nothing waits."));
        Verb(flows.MapPost("/{id}/events/{name}", RaiseEventAsync).WithName("RaiseFlowEvent").WithSummary("Raise an event")
            .WithDescription("Raise a named event with an optional value, kept until the flow waits for it."));
        Verb(flows.MapPost("/{id}/cancel", CancelAsync).WithName("CancelFlow").WithSummary("Cancel a flow").WithDescription("Cancel the flow, with an optional reason."));
        Verb(flows.MapPost("/{id}/reset", ResetAsync).WithName("ResetFlow").WithSummary("Reset a flow").WithDescription("Restart the flow from its first step."));
        Verb(flows.MapPost("/{id}/retry", RetryAsync).WithName("RetryFlow").WithSummary("Retry a flow")
            .WithDescription("Retry a FAILED, KILLED or CANCELLED flow from where it stopped; 409 for any other state."));
        Verb(flows.MapPost("/{id}/position", SetPositionAsync).WithName("SetFlowPosition").WithSummary("Move a flow's position")
            .WithDescription("Move the flow's position: the step at that index runs next (administrators only).")
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy));
    }

    /// <summary>
    /// Every verb is queued (202) or refused: 403 for a flow the caller may see but not change, 404, 409 for the wrong state;
    /// sent again with the same Idempotency-Key, it gets the first answer and is not queued twice.
    /// </summary>
    private static void Verb(RouteHandlerBuilder verb)
    {
        verb.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).Idempotent();
    }

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> SubmitAsync(
        string id, [FromBody] SubmitBody? body, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        RunAsync(new FlowVerb.Submit(id, body?.Args, body?.Step), user, verbs, cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> PushAsync(
        string id, [FromBody] PushBody? body, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        RunAsync(new FlowVerb.Push(id, body?.Value, body?.Step), user, verbs, cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> RaiseEventAsync(
        string id, string name, [FromBody] ValueBody? body, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        RunAsync(new FlowVerb.Event(id, name, body?.Value), user, verbs, cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> CancelAsync(
        string id, [FromBody] CancelBody? body, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        RunAsync(new FlowVerb.Cancel(id, body?.Reason), user, verbs, cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> ResetAsync(
        string id, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        RunAsync(new FlowVerb.Reset(id), user, verbs, cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> RetryAsync(
        string id, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        RunAsync(new FlowVerb.Retry(id), user, verbs, cancellationToken);

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> SetPositionAsync(
        string id, PositionBody body, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken) =>
        body.Position is { } position
            ? await RunAsync(new FlowVerb.Position(id, position), user, verbs, cancellationToken).ConfigureAwait(false)
            : Problems.Field("position", "give the index of the step that should run next");

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> RunAsync(
        FlowVerb verb, ClaimsPrincipal user, FlowVerbs verbs, CancellationToken cancellationToken)
    {
        var id = verb.FlowId;
        var result = await verbs.SendAsync(Callers.From(user), verb, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Outcome: FlowVerbOutcome.Accepted } => TypedResults.Accepted($"/api/v1/flows/{Uri.EscapeDataString(id)}", new CommandAccepted(id, verb.Name)),
            { Outcome: FlowVerbOutcome.NotFound } => Problems.FlowNotFound(id),
            { Outcome: FlowVerbOutcome.Forbidden } => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
            { Outcome: FlowVerbOutcome.Invalid, Field: "name" } => Problems.Field("name", $"an event name has 1 to {InputLimits.MaxEventNameLength} characters"),

            // Out of range is an invalid field (400), as docs/api.md says, not a state conflict.
            { Outcome: FlowVerbOutcome.Invalid, StepCount: var count } when verb is FlowVerb.Position { Index: var position } =>
                Problems.Field("position", $"position must be between 0 and {count - 1}, the index of one of the flow's {count} steps (was {position})"),
            { Command: { } refused } => Problems.Command(refused),
            _ => Problems.FlowNotFound(id),
        };
    }
}
