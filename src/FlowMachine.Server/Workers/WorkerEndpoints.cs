using FlowMachine.Routing;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Workers;

/// <summary><c>/api/v1/workers</c>: the registered workers, each queue's depth, and what no live worker serves.</summary>
internal static class WorkerEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/workers", ListAsync).WithTags("Workers").WithName("ListWorkers")
            .WithSummary("List workers and queues")
            .WithDescription("The registered workers (live or not) with their queues and task types, each queue's depth and the age of its oldest due flow, and the queues and task types no live worker serves.");

    private static async Task<Ok<WorkersDocument>> ListAsync(IFlowStore store, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await WorkersDocument.ReadAsync(store, time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
}
