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

/// <summary>
/// Events by correlation key: <c>POST /api/v1/events/{name}</c> reaches every flow that waits for that name and key;
/// <c>GET /api/v1/events</c> lists the kept events and the keyed waits.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/events/{name}", RaiseAsync).WithName("RaiseKeyedEvent").WithTags("Events").WithSummary("Raise an event by key")
            .WithDescription("Delivers the event to every flow that waits for this name and correlation key (the value becomes the waiting step's result) " +
                "and keeps it (24 hours by default) for flows that wait for it later. A user's event reaches only their own flows, an administrator's every flow. " +
                "An id seen before is a duplicate: nothing is delivered or kept again. The answer says how many flows it reached now.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/events", ListAsync).WithName("ListKeyedEvents").WithTags("Events").WithSummary("List kept events and keyed waits")
            .WithDescription("The events raised by key that are kept for flows that wait later (name, key, value, id, owner, raisedAt, keepUntil; the latest first) " +
                "and the steps that wait for an event by key (flowId, routine, stepKey, eventName, key, owner, waitingSince), each filtered by name and key (exact) " +
                $"and at most limit rows (100 by default, up to {EventVerbs.MaxListLimit}). A user sees the events they raised and their own flows, an administrator everything.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<Ok<KeyedEventListing>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, EventVerbs events, string? name, string? key, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > EventVerbs.MaxListLimit)
        {
            return Problems.Field("limit", $"limit must be between 1 and {EventVerbs.MaxListLimit} (was {limit})");
        }

        return TypedResults.Ok(await events.ListAsync(Callers.From(user), name, key, limit ?? EventVerbs.DefaultListLimit, cancellationToken).ConfigureAwait(false));
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
