using System.Security.Claims;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Specs;
using FlowMachine.Storage;
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
    private const int MaxEventNameLength = 200;

    public static void Map(RouteGroupBuilder flows)
    {
        flows.MapPost("/{id}/submit", SubmitAsync).WithName("SubmitFlow").WithSummary("Resubmit: the waiting step's check runs with args.");
        flows.MapPost("/{id}/push", PushAsync).WithName("PushFlow").WithSummary("Force-step: the value becomes the waiting step's result; 409 if nothing waits.");
        flows.MapPost("/{id}/events/{name}", RaiseEventAsync).WithName("RaiseFlowEvent").WithSummary("Raise a named event, kept until the flow waits for it.");
        flows.MapPost("/{id}/cancel", CancelAsync).WithName("CancelFlow").WithSummary("Cancel the flow.");
        flows.MapPost("/{id}/reset", ResetAsync).WithName("ResetFlow").WithSummary("Restart the flow from its first step.");
        flows.MapPost("/{id}/position", SetPositionAsync).WithName("SetFlowPosition").WithSummary("Move the flow's position (administrators only).")
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy);
    }

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> SubmitAsync(
        string id, [FromBody] SubmitBody? body, ClaimsPrincipal user, IFlowClient client, IFlowStore store, CancellationToken cancellationToken) =>
        RunAsync(id, "submit", user, store, caller => client.SubmitAsync(id, body?.Args, body?.Step, caller.Name, cancellationToken), cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> PushAsync(
        string id, [FromBody] PushBody? body, ClaimsPrincipal user, IFlowClient client, IFlowStore store, CancellationToken cancellationToken) =>
        RunAsync(id, "push", user, store, caller => client.PushAsync(id, body?.Value, body?.Step, caller.Name, cancellationToken), cancellationToken);

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> RaiseEventAsync(
        string id, string name, [FromBody] ValueBody? body, ClaimsPrincipal user, IFlowClient client, IFlowStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxEventNameLength)
        {
            return Problems.Field("name", $"an event name has 1 to {MaxEventNameLength} characters");
        }

        return await RunAsync(id, "event", user, store, _ => client.RaiseEventAsync(id, name, body?.Value, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> CancelAsync(
        string id, [FromBody] CancelBody? body, ClaimsPrincipal user, IFlowClient client, IFlowStore store, CancellationToken cancellationToken) =>
        RunAsync(id, "cancel", user, store, caller => client.CancelAsync(id, body?.Reason, caller.Name, cancellationToken), cancellationToken);

    private static Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> ResetAsync(
        string id, ClaimsPrincipal user, IFlowClient client, IFlowStore store, CancellationToken cancellationToken) =>
        RunAsync(id, "reset", user, store, caller => client.ResetAsync(id, caller.Name, cancellationToken), cancellationToken);

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> SetPositionAsync(
        string id, PositionBody body, ClaimsPrincipal user, IFlowClient client, IFlowStore store, CancellationToken cancellationToken)
    {
        if (body.Position is not { } position)
        {
            return Problems.Field("position", "give the index of the step that should run next");
        }

        // Out of range is an invalid field (400), as docs/api.md says, not a state conflict.
        if (await FlowAccess.FindAsync(store, id, Caller.From(user), cancellationToken).ConfigureAwait(false) is { } flow
            && SpecJson.Deserialize(flow.SpecJson).Tasks.Count is var count && (position < 0 || position >= count))
        {
            return Problems.Field("position", $"position must be between 0 and {count - 1}, the index of one of the flow's {count} steps (was {position})");
        }

        return await RunAsync(id, "position", user, store, caller => client.SetPositionAsync(id, position, caller.Name, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> RunAsync(
        string id, string command, ClaimsPrincipal user, IFlowStore store, Func<Caller, Task<CommandResult>> send, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await FlowAccess.FindAsync(store, id, caller, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.FlowNotFound(id);
        }

        var result = await send(caller).ConfigureAwait(false);
        return result.Status == CommandStatus.Accepted
            ? TypedResults.Accepted($"/api/v1/flows/{Uri.EscapeDataString(id)}", new CommandAccepted(id, command))
            : Problems.Command(result);
    }
}
