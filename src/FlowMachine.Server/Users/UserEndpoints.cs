using System.Security.Claims;
using System.Text.Json.Nodes;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Users;

/// <summary><c>/api/v1/users</c>, administrators only: the users, and rotating or revoking their API keys.</summary>
internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireAuthorization(ApiKeyDefaults.AdminPolicy);
        group.MapGet("/", ListAsync).WithName("ListUsers")
            .WithSummary("Every user, its role and the first characters of its keys (administrators only).");
        group.MapPost("/{name}/rotate", RotateAsync).WithName("RotateUserKey")
            .WithSummary("A new API key for the user, returned only this once; its old keys stop working (administrators only).");
        group.MapPost("/{name}/revoke", RevokeAsync).WithName("RevokeUserKeys")
            .WithSummary("Every API key of the user stops working; the user and its flows stay (administrators only).");
    }

    private static async Task<Ok<JsonArray>> ListAsync(IUserStore users, CancellationToken cancellationToken)
    {
        var listed = await UserAccounts.ListAsync(users, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new JsonArray([.. listed.Select(u => (JsonNode)u.ToJson())]));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> RotateAsync(
        string name, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = await UserAccounts.RotateKeyAsync(users, name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return key is null
            ? NoSuchUser(name)
            : TypedResults.Ok(new JsonObject { ["name"] = name, ["key"] = key });
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> RevokeAsync(
        string name, ClaimsPrincipal user, IUserStore users, CancellationToken cancellationToken)
    {
        if (Callers.From(user).Name == name)
        {
            return Problems.Conflict($"revoking your own keys would lock you out; rotate instead (POST /api/v1/users/{Uri.EscapeDataString(name)}/rotate) or ask another administrator");
        }

        return await UserAccounts.RevokeKeysAsync(users, name, cancellationToken).ConfigureAwait(false)
            ? TypedResults.Ok(new JsonObject { ["name"] = name, ["revoked"] = true })
            : NoSuchUser(name);
    }

    private static ProblemHttpResult NoSuchUser(string name) => Problems.NotFound($"user '{name}' does not exist");
}
