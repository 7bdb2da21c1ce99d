using System.Security.Claims;
using FlowMachine.Operations;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Events;

/// <summary>Events by correlation key: <c>POST /api/v1/events/{name}</c> reaches every flow that waits for that name and key.</summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/events/{name}", RaiseAsync).WithName("RaiseKeyedEvent").WithTags("Events").WithSummary("Raise an event by key")
            .WithDescription("Delivers the event to every flow that waits for this name and correlation key (the value becomes the waiting step's result) " +
                "and keeps it (24 hours by default) for flows that wait for it later. A user's event reaches only their own flows, an administrator's every flow. " +
                "An id seen before is a duplicate: nothing is delivered or kept again. The answer says how many flows it reached now.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<Ok<EventRaised>, ProblemHttpResult>> RaiseAsync(
        string name, [FromBody] RaiseEventBody? body, ClaimsPrincipal user, EventVerbs events, CancellationToken cancellationToken)
    {
        var result = await events.RaiseAsync(Callers.From(user), name, body?.Key, body?.Value, body?.Id, cancellationToken).ConfigureAwait(false);
        return result.Raised is { } raised
            ? TypedResults.Ok(new EventRaised(name, body!.Key!, raised.Reached, raised.Duplicate))
            : Problems.Field(result.Field!, result.Problem!);
    }
}
