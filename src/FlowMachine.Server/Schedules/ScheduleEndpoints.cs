using System.Security.Claims;
using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Scheduling;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Schedules;

/// <summary>
/// <c>/api/v1/schedules</c>: cron and interval starts. Everyone sees every schedule; only its owner or an
/// administrator changes, pauses, triggers or deletes it. Every rule lives in <see cref="ScheduleVerbs"/>.
/// </summary>
internal static class ScheduleEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/schedules").WithTags("Schedules");
        group.MapGet("/", ListAsync).WithName("ListSchedules").WithSummary("List schedules").WithDescription("Every schedule, by name, with its next fire times.");
        group.MapPost("/", CreateAsync).WithName("CreateSchedule").WithSummary("Create a schedule")
            .WithDescription("Create a schedule: name, routine (and version) or spec, input, cron or every, timeZone, start, end, overlap, catchup, tags, paused, note. 409 when the name is taken.")
            .ProducesProblem(StatusCodes.Status409Conflict).Idempotent();
        Named(group.MapGet("/{name}", GetAsync).WithName("GetSchedule").WithSummary("Get a schedule")
            .WithDescription("One schedule: its next 10 fire times and the last slot and flow it fired."));
        Named(group.MapPut("/{name}", ReplaceAsync).WithName("ReplaceSchedule").WithSummary("Replace a schedule")
            .WithDescription("Replace a schedule's definition; it fires from the next slot after now.").Idempotent());
        Named(group.MapDelete("/{name}", DeleteAsync).WithName("DeleteSchedule").WithSummary("Delete a schedule").WithDescription("Delete a schedule; the flows it started stay.").Idempotent());
        Named(group.MapPost("/{name}/pause", PauseAsync).WithName("PauseSchedule").WithSummary("Pause a schedule")
            .WithDescription("Pause a schedule, with an optional note saying why; it starts nothing until resumed.").Idempotent());
        Named(group.MapPost("/{name}/resume", ResumeAsync).WithName("ResumeSchedule").WithSummary("Resume a schedule")
            .WithDescription("Resume a schedule from the next slot after now.").Idempotent());
        Named(group.MapPost("/{name}/trigger", TriggerAsync).WithName("TriggerSchedule").WithSummary("Trigger a schedule")
            .WithDescription("Start one flow of the schedule now, whatever its overlap policy; 409 when its target could not start.").Idempotent());
        Named(group.MapPost("/{name}/backfill", BackfillAsync).WithName("BackfillSchedule").WithSummary("Backfill a schedule")
            .WithDescription("Start one flow per slot from 'from' to 'to' by the overlap policy; slots already started are not started again.").Idempotent());
    }

    /// <summary>A verb on one schedule is refused as 403 (not its owner), 404, 409 or 503 (a worker is firing it).</summary>
    private static void Named(RouteHandlerBuilder verb)
    {
        verb.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Ok<IReadOnlyList<ScheduleDocument>>> ListAsync(ScheduleVerbs verbs, ITaskCatalog catalog, CancellationToken cancellationToken)
    {
        var schedules = await verbs.ListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<ScheduleDocument>>([.. schedules.Select(s => Redacted(s, catalog))]);
    }

    private static async Task<Results<Created<ScheduleDocument>, ProblemHttpResult>> CreateAsync(
        [FromBody] JsonObject? body, ClaimsPrincipal user, ScheduleVerbs verbs, ITaskCatalog catalog, CancellationToken cancellationToken)
    {
        var result = await verbs.CreateAsync(body, Callers.From(user), cancellationToken).ConfigureAwait(false);
        return result.Schedule is { } schedule && result.Succeeded
            ? TypedResults.Created($"/api/v1/schedules/{Uri.EscapeDataString(schedule.Name)}", Redacted(schedule, catalog))
            : Refused("", result); // a new schedule is never missing, forbidden or busy
    }

    private static async Task<Results<Ok<ScheduleDocument>, ProblemHttpResult>> GetAsync(string name, ScheduleVerbs verbs, ITaskCatalog catalog, CancellationToken cancellationToken)
    {
        var schedule = await verbs.GetAsync(name, cancellationToken).ConfigureAwait(false);
        return schedule is null ? NotFound(name) : TypedResults.Ok(Redacted(schedule, catalog));
    }

    private static async Task<Results<Ok<ScheduleDocument>, ProblemHttpResult>> ReplaceAsync(
        string name, [FromBody] JsonObject? body, ClaimsPrincipal user, ScheduleVerbs verbs, ITaskCatalog catalog, CancellationToken cancellationToken) =>
        Answer(name, await verbs.ReplaceAsync(name, body, Callers.From(user), cancellationToken).ConfigureAwait(false), catalog);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, ClaimsPrincipal user, ScheduleVerbs verbs, CancellationToken cancellationToken)
    {
        var result = await verbs.DeleteAsync(name, Callers.From(user), cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? TypedResults.NoContent() : Refused(name, result);
    }

    private static async Task<Results<Ok<ScheduleDocument>, ProblemHttpResult>> PauseAsync(
        string name, [FromBody] PauseBody? body, ClaimsPrincipal user, ScheduleVerbs verbs, ITaskCatalog catalog, CancellationToken cancellationToken) =>
        Answer(name, await verbs.PauseAsync(name, body?.Note, Callers.From(user), cancellationToken).ConfigureAwait(false), catalog);

    private static async Task<Results<Ok<ScheduleDocument>, ProblemHttpResult>> ResumeAsync(
        string name, ClaimsPrincipal user, ScheduleVerbs verbs, ITaskCatalog catalog, CancellationToken cancellationToken) =>
        Answer(name, await verbs.ResumeAsync(name, Callers.From(user), cancellationToken).ConfigureAwait(false), catalog);

    private static async Task<Results<Ok<ScheduleStarted>, ProblemHttpResult>> TriggerAsync(string name, ClaimsPrincipal user, ScheduleVerbs verbs, CancellationToken cancellationToken) =>
        Started(name, await verbs.TriggerAsync(name, Callers.From(user), cancellationToken).ConfigureAwait(false));

    private static async Task<Results<Ok<ScheduleStarted>, ProblemHttpResult>> BackfillAsync(
        string name, BackfillBody body, ClaimsPrincipal user, ScheduleVerbs verbs, CancellationToken cancellationToken) =>
        Started(name, await verbs.BackfillAsync(name, body.From, body.To, Callers.From(user), cancellationToken).ConfigureAwait(false));

    private static Results<Ok<ScheduleDocument>, ProblemHttpResult> Answer(string name, ScheduleResult result, ITaskCatalog catalog) =>
        result.Schedule is { } schedule && result.Succeeded ? TypedResults.Ok(Redacted(schedule, catalog)) : Refused(name, result);

    private static Results<Ok<ScheduleStarted>, ProblemHttpResult> Started(string name, ScheduleResult result)
    {
        if (!result.Succeeded || result.Started is not { } started)
        {
            return Refused(name, result);
        }

        // The target could not start (its routine was deleted, say): nothing was started, and the answer says why.
        return started.Error is { } error && started.Created.Count == 0
            ? Problems.Conflict($"schedule '{name}' started no flow: {error}")
            : TypedResults.Ok(ScheduleStarted.Of(name, started));
    }

    private static ProblemHttpResult Refused(string name, ScheduleResult result) => result.Outcome switch
    {
        ScheduleOutcome.NotFound => NotFound(name),
        ScheduleOutcome.Forbidden => TypedResults.Problem(
            $"only the owner of schedule '{name}' or an administrator may change it", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        ScheduleOutcome.Busy => TypedResults.Problem(
            $"schedule '{name}' is held by a worker that is firing it and did not let go within its lease; try again in a moment",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy"),
        ScheduleOutcome.Conflict => Problems.Fields(result.Errors, StatusCodes.Status409Conflict),
        _ => Problems.Fields(result.Errors),
    };

    private static ProblemHttpResult NotFound(string name) => Problems.NotFound($"schedule '{name}' does not exist");

    /// <summary>The schedule with the secret params of its inline spec masked, as a routine's spec is shown.</summary>
    private static ScheduleDocument Redacted(ScheduleDocument schedule, ITaskCatalog catalog) =>
        schedule.Spec is null ? schedule : schedule with { Spec = SecretParams.RedactSpec(schedule.Spec, catalog) };
}
