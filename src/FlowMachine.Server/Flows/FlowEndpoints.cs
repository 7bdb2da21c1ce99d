using System.Security.Claims;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Resume;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Flows;

/// <summary><c>/api/v1/flows</c>: start, list and read flows; each user sees only their own, admins all.</summary>
internal static class FlowEndpoints
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/flows").WithTags("Flows");
        group.MapPost("/", StartAsync).WithName("StartFlow").WithSummary("Start a flow")
            .WithDescription("Start a flow of a stored routine or an inline spec; 201 with the new flow. A start with a key you already used returns that flow with 200; a key another user holds is 409. An invalid spec is 400 with every error under its spec path.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAsync).WithName("ListFlows").WithSummary("List flows")
            .WithDescription("A page of flows, newest first: {items, next}. Filters: state, routine, schedule, key, tag, attr (name=value), createdAfter, createdBefore (ISO 8601), error (text in the error). Pass next as after for the next page.");
        group.MapGet("/{id}", GetAsync).WithName("GetFlow").WithSummary("Get a flow")
            .WithDescription("The flow with its steps; waiting steps carry what they wait for and a resumeUrl.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/history", HistoryAsync).WithName("GetFlowHistory").WithSummary("Get a flow's history")
            .WithDescription("The flow's events in order, from after (a seq) on, at most limit of them.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/stream", StreamAsync).WithName("StreamFlow").WithSummary("Stream a flow's changes")
            .WithDescription("Server-sent events of type flow: the flow document (as JSON text in data) now and after every change, until it ends.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<FlowDocument>, Ok<FlowDocument>, ProblemHttpResult>> StartAsync(
        StartFlowBody body, ClaimsPrincipal user, FlowVerbs verbs, IFlowClient client, SpecInput specs, HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Callers.From(user);
        if ((body.Routine is null) == (body.Spec is null))
        {
            return Problems.Fields(new Dictionary<string, string[]>
            {
                ["routine"] = ["give exactly one of 'routine' (a stored routine's name) or 'spec' (an inline spec)"],
            });
        }

        if (body.Version is < 1)
        {
            return Problems.Field("version", "a routine version is 1 or more");
        }

        if (FlowTags.Combine(body.Tags, null).Error is { } badTags)
        {
            return Problems.Field("tags", badTags);
        }

        if (body.Priority is { } priority && FlowPriority.Error(priority) is { } badPriority)
        {
            return Problems.Field("priority", badPriority);
        }

        if (body.Spec is not null && body.Version is not null)
        {
            return Problems.Field("version", "'version' applies to a stored routine, not to an inline spec");
        }

        var start = new StartFlowRequest
        {
            Routine = body.Routine,
            Version = body.Version,
            Input = body.Input,
            Key = body.Key,
            Label = body.Label,
            Tags = body.Tags,
            Priority = body.Priority,
        };
        if (body.Spec is not null)
        {
            // Compiled here, so errors name their path under "spec".
            var compiled = specs.Compile(body.Spec);
            if (!compiled.IsValid)
            {
                return Problems.Spec(compiled.Errors, "spec");
            }

            start = start with { Spec = compiled.Spec };
        }

        FlowStartResult result;
        try
        {
            result = await verbs.StartAsync(caller, start, cancellationToken).ConfigureAwait(false);
        }
        catch (SpecException ex)
        {
            return Problems.Spec(ex.Errors, body.Spec is null ? "routine" : "spec");
        }

        // A keyed start is idempotent for the flow's owner only; an admin gets the same 409 (naming the flow).
        var started = result.Started;
        if (result.KeyHeldByOther)
        {
            return Problems.Conflict(caller.KeyHeldBy(start.Key ?? started.Flow.Key ?? "", started.Flow.Id, started.Flow.Owner));
        }

        var view = await client.GetAsync(started.Flow.Id, cancellationToken).ConfigureAwait(false) ?? new FlowView(started.Flow, []);
        var document = FlowDocument.Of(view, ResumeUrls.For(request));
        return started.Created
            ? TypedResults.Created($"/api/v1/flows/{Uri.EscapeDataString(started.Flow.Id)}", document)
            : TypedResults.Ok(document);
    }

    private static async Task<Results<Ok<FlowListDocument>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, IFlowQueryStore store, HttpRequest request, string? state, string? routine, string? schedule, string? key, int? limit, string? after,
        string? tag, string? attr, string? createdAfter, string? createdBefore, string? error, CancellationToken cancellationToken)
    {
        var caller = Callers.From(user);
        if (FlowSearch.UnknownFilter(request) is { } unknown)
        {
            return unknown;
        }

        FlowState? wanted = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!StateNames.TryParseFlowState(state, out var parsed))
            {
                return Problems.Field("state", $"'{state}' is not a flow state; use one of {string.Join(", ", Enum.GetValues<FlowState>().Select(s => s.ToName()))}");
            }

            wanted = parsed;
        }

        if (limit is < 1 or > InputLimits.MaxPageSize)
        {
            return Problems.Field("limit", $"limit must be between 1 and {InputLimits.MaxPageSize} (was {limit})");
        }

        var query = new FlowQuery
        {
            State = wanted,
            Routine = routine,
            Schedule = schedule,
            Key = key,
            Owner = caller.IsAdmin ? null : caller.Name,
            Limit = limit ?? InputLimits.DefaultPageSize,
            After = after,
        };
        var (filtered, field, bad) = FlowFilters.Apply(query, tag, attr, createdAfter, createdBefore, error);
        if (field is not null)
        {
            return Problems.Field(field, bad!);
        }

        query = filtered;
        FlowPage page;
        try
        {
            page = await store.ListFlowsAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex) when (after is not null)
        {
            return Problems.Field("after", ex.Message.Split(" (Parameter", 2)[0]);
        }

        return TypedResults.Ok(FlowListDocument.Of(page));
    }

    private static async Task<Results<Ok<FlowDocument>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, FlowVerbs verbs, HttpRequest request, CancellationToken cancellationToken)
    {
        var view = await verbs.ViewAsync(id, Callers.From(user), cancellationToken).ConfigureAwait(false);
        return view is null ? Problems.FlowNotFound(id) : TypedResults.Ok(FlowDocument.Of(view, ResumeUrls.For(request)));
    }

    private static async Task<Results<Ok<IReadOnlyList<HistoryDocument>>, ProblemHttpResult>> HistoryAsync(
        string id, ClaimsPrincipal user, FlowVerbs verbs, IFlowQueryStore store, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (await verbs.FindAsync(id, Callers.From(user), cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.FlowNotFound(id);
        }

        if (limit is < 1 or > InputLimits.MaxHistoryLimit)
        {
            return Problems.Field("limit", $"limit must be between 1 and {InputLimits.MaxHistoryLimit} (was {limit})");
        }

        var events = await store.GetHistoryAsync(id, after ?? 0, limit ?? InputLimits.DefaultHistoryLimit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<HistoryDocument>>([.. events.Select(HistoryDocument.Of)]);
    }

    private static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> StreamAsync(
        string id, ClaimsPrincipal user, FlowVerbs verbs, IFlowClient client, IFlowChangeFeed feed, HttpRequest request, FlowMachineServerOptions options, CancellationToken cancellationToken)
    {
        if (await verbs.FindAsync(id, Callers.From(user), cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.FlowNotFound(id);
        }

        var changes = FlowStream.ReadAsync(client, feed, id, ResumeUrls.For(request), options.StreamRecheckInterval, request.HttpContext.RequestAborted);
        return TypedResults.ServerSentEvents(changes, FlowStream.EventType);
    }
}
