using System.Security.Claims;
using FlowMachine.Hooks;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Hooks;

/// <summary>
/// <c>/api/v1/hooks</c>: managing webhooks. A user sees and manages only their own hooks, an administrator every hook;
/// the secret is shown only when a hook is created or rotated. Every rule lives in <see cref="HookVerbs"/>.
/// </summary>
internal static class HookEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/hooks").WithTags("Hooks");
        group.MapPost("/", CreateAsync).WithName("CreateHook").WithSummary("Create a webhook")
            .WithDescription("Create a webhook: a name and exactly one action, 'start' (routine, input mapped by paths such as $body.order.id, key) " +
                "or 'event' (name, key and value paths). 201 with the hook, its secret (shown only here and by rotate) and the URL to post deliveries to. " +
                "400 names the field at fault (a bad name, an unknown routine, a path that is not $body... or $delivery, both or neither action); 409 when the name is taken.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).Idempotent();
        group.MapGet("/", ListAsync).WithName("ListHooks").WithSummary("List webhooks")
            .WithDescription("Your webhooks (an administrator's: all), by name, without their secrets.");
        group.MapGet("/{name}", GetAsync).WithName("GetHook").WithSummary("Get a webhook")
            .WithDescription("One webhook, without its secret; 404 for a hook that does not exist or is another user's.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{name}", DeleteAsync).WithName("DeleteHook").WithSummary("Delete a webhook")
            .WithDescription("Delete a webhook and the delivery ids it remembers; its URL answers 401 from now on. The flows it started stay.")
            .ProducesProblem(StatusCodes.Status404NotFound).Idempotent();
        group.MapPost("/{name}/rotate", RotateAsync).WithName("RotateHook").WithSummary("Rotate a webhook's secret")
            .WithDescription("Give the webhook a new secret, shown only in this answer; deliveries signed with the old one are refused from now on.")
            .ProducesProblem(StatusCodes.Status404NotFound).Idempotent();
    }

    private static async Task<Results<Created<HookCreatedDocument>, ProblemHttpResult>> CreateAsync(
        [FromBody] HookRequest? body, ClaimsPrincipal user, HookVerbs hooks, HttpRequest request, CancellationToken cancellationToken)
    {
        var result = await hooks.CreateAsync(Callers.From(user), body, cancellationToken).ConfigureAwait(false);
        if (result.Hook is not { } hook)
        {
            return result.Outcome == HookOutcome.Conflict ? Problems.Conflict(result.Problem!) : Problems.Field(result.Field!, result.Problem!);
        }

        var url = HookUrls.For(request)(hook.Name);
        return TypedResults.Created(url, HookCreatedDocument.Of(HookDocument.Of(hook, url), hook.Secret));
    }

    private static async Task<Ok<HookListDocument>> ListAsync(ClaimsPrincipal user, HookVerbs hooks, HttpRequest request, CancellationToken cancellationToken)
    {
        var url = HookUrls.For(request);
        var list = await hooks.ListAsync(Callers.From(user), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new HookListDocument([.. list.Select(h => HookDocument.Of(h, url(h.Name)))]));
    }

    private static async Task<Results<Ok<HookDocument>, ProblemHttpResult>> GetAsync(
        string name, ClaimsPrincipal user, HookVerbs hooks, HttpRequest request, CancellationToken cancellationToken) =>
        await hooks.GetAsync(Callers.From(user), name, cancellationToken).ConfigureAwait(false) is { } hook
            ? TypedResults.Ok(HookDocument.Of(hook, HookUrls.For(request)(hook.Name)))
            : NotFound(name);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, ClaimsPrincipal user, HookVerbs hooks, CancellationToken cancellationToken) =>
        await hooks.DeleteAsync(Callers.From(user), name, cancellationToken).ConfigureAwait(false) ? TypedResults.NoContent() : NotFound(name);

    private static async Task<Results<Ok<HookSecretDocument>, ProblemHttpResult>> RotateAsync(
        string name, ClaimsPrincipal user, HookVerbs hooks, HttpRequest request, CancellationToken cancellationToken) =>
        (await hooks.RotateAsync(Callers.From(user), name, cancellationToken).ConfigureAwait(false)).Hook is { } hook
            ? TypedResults.Ok(new HookSecretDocument(hook.Name, hook.Secret, HookUrls.For(request)(hook.Name)))
            : NotFound(name);

    private static ProblemHttpResult NotFound(string name) => Problems.NotFound($"there is no hook named '{name}' (or it is another user's)");
}
