using FlowMachine.Retention;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Flows;

/// <summary>
/// <c>POST /api/v1/flows/purge</c> (administrators only): deletes finished flows by hand, with their children, in the
/// sweeper's batches, as <c>flowmachine flows purge</c> does; <c>dryRun</c> only counts them.
/// </summary>
internal static class FlowPurgeEndpoint
{
    public static void Map(RouteGroupBuilder flows) =>
        flows.MapPost("/purge", PurgeAsync).WithName("PurgeFlows").WithSummary("Delete finished flows")
            .WithDescription("Delete the finished flows (state COMPLETED, FAILED, KILLED or CANCELLED, all four by default) that ended longer ago than olderThan, of a routine, with a tag, with their children, steps and history (administrators only): {dryRun, flows, children}; dryRun only counts.")
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy).Idempotent();

    private static async Task<Results<Ok<FlowPurgeDocument>, ProblemHttpResult>> PurgeAsync(
        [FromBody] PurgeBody? body, IFlowRetentionStore store, RetentionSweeper sweeper, TimeProvider time, CancellationToken cancellationToken)
    {
        FlowRetentionFilter filter;
        try
        {
            filter = FlowPurge.Filter(body?.State, body?.OlderThan, body?.Routine, body?.Tag, time.GetUtcNow());
        }
        catch (ArgumentException bad)
        {
            return Problems.Field(bad.ParamName!, bad.Message[..bad.Message.LastIndexOf(" (Parameter", StringComparison.Ordinal)]);
        }

        return TypedResults.Ok(await FlowPurgeDocument.RunAsync(store, sweeper, filter, body?.DryRun ?? false, cancellationToken).ConfigureAwait(false));
    }
}
