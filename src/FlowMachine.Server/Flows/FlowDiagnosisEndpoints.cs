using System.Security.Claims;
using FlowMachine.Diagnosis;
using FlowMachine.Operations;
using FlowMachine.Scheduling;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Flows;

/// <summary><c>GET /api/v1/flows/{id}/diagnosis</c> (why a flow is not moving) and <c>GET /api/v1/flows/stuck</c> (the flows that need attention).</summary>
internal static class FlowDiagnosisEndpoints
{
    public static void Map(RouteGroupBuilder flows)
    {
        flows.MapGet("/{id}/diagnosis", DiagnoseAsync).WithName("GetFlowDiagnosis").WithSummary("Say why a flow is not moving")
            .WithDescription("One plain sentence (summary) saying why the flow is not moving and what would move it, a kind code (finished, suspended, routine-paused, running, worker-silent, lease-expired, due, no-worker, concurrency-slot, rate-token, input, event, timer, children, retry, deadline, scheduled, idle) and the facts behind it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        flows.MapGet("/stuck", StuckAsync).WithName("ListStuckFlows").WithSummary("List flows that need attention").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithDescription("Flows due but unclaimed for longer than threshold (a duration such as 30s, 5m or 1h; 5m by default), flows no live worker can run, flows under an expired lease, and unfinished steps whose worker was lost; at most limit of each kind (100 by default).");
    }

    private static async Task<Results<Ok<FlowDiagnosis>, ProblemHttpResult>> DiagnoseAsync(
        string id, ClaimsPrincipal user, FlowVerbs verbs, FlowDiagnoser diagnoser, CancellationToken cancellationToken)
    {
        var view = await verbs.ViewAsync(id, Callers.From(user), cancellationToken).ConfigureAwait(false);
        return view is null ? Problems.FlowNotFound(id) : TypedResults.Ok(await diagnoser.DiagnoseAsync(view, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<AttentionList>, ProblemHttpResult>> StuckAsync(
        ClaimsPrincipal user, AttentionReader reader, string? threshold, int? limit, CancellationToken cancellationToken)
    {
        var wait = AttentionReader.DefaultThreshold;
        if (threshold is not null && (!Durations.TryParse(threshold, out wait) || wait < TimeSpan.Zero))
        {
            return Problems.Field("threshold", $"'{threshold}' is not a duration; use a number with a unit, such as 30s, 5m or 1h");
        }

        if (limit is < 1 or > InputLimits.MaxPageSize)
        {
            return Problems.Field("limit", $"limit must be between 1 and {InputLimits.MaxPageSize} (was {limit})");
        }

        var caller = Callers.From(user);
        return TypedResults.Ok(await reader.ReadAsync(wait, caller.IsAdmin ? null : caller.Name, limit ?? AttentionReader.DefaultLimit, cancellationToken).ConfigureAwait(false));
    }
}
