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

namespace FlowMachine.Server.Flows;

/// <summary><c>DELETE /api/v1/flows/{id}</c>: a finished flow goes for good, with its children; 409 for any other.</summary>
internal static class FlowDeleteEndpoint
{
    public static void Map(RouteGroupBuilder flows) =>
        flows.MapDelete("/{id}", DeleteAsync).WithName("DeleteFlow").WithSummary("Delete a flow")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithDescription("Delete a finished flow with its children, steps and history (administrators and the flow's owner); 409 while it has not finished.").Idempotent();

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, FlowDeletion deletion, CancellationToken cancellationToken)
    {
        var (outcome, state) = await deletion.DeleteAsync(Callers.From(user), id, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            FlowDeleteOutcome.Deleted => TypedResults.NoContent(),
            FlowDeleteOutcome.NotDeletable => Problems.Conflict(FlowDeletion.Refusal(id, state)),
            _ => Problems.FlowNotFound(id),
        };
    }
}
