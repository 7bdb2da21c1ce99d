using System.Security.Claims;
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
        group.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("List the users")
            .WithDescription("Every user, its role and the first characters of its keys (administrators only).");
        group.MapPost("/{name}/rotate", RotateAsync).WithName("RotateUserKey").WithSummary("Rotate a user's key")
            .WithDescription("A new API key for the user, returned only this once; its old keys stop working (administrators only).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{name}/revoke", RevokeAsync).WithName("RevokeUserKeys").WithSummary("Revoke a user's keys")
            .WithDescription("Every API key of the user stops working; the user and its flows stay (administrators only). 409 for your own keys.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<IReadOnlyList<UserDocument>>> ListAsync(IUserStore users, CancellationToken cancellationToken)
    {
        var listed = await UserAccounts.ListAsync(users, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<UserDocument>>([.. listed.Select(UserDocument.Of)]);
    }

    private static async Task<Results<Ok<UserKeyRotated>, ProblemHttpResult>> RotateAsync(
        string name, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = await UserAccounts.RotateKeyAsync(users, name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return key is null
            ? NoSuchUser(name)
            : TypedResults.Ok(new UserKeyRotated(name, key));
    }

    private static async Task<Results<Ok<UserKeysRevoked>, ProblemHttpResult>> RevokeAsync(
        string name, ClaimsPrincipal user, IUserStore users, CancellationToken cancellationToken)
    {
        if (Callers.From(user).Name == name)
        {
            return Problems.Conflict($"revoking your own keys would lock you out; rotate instead (POST /api/v1/users/{Uri.EscapeDataString(name)}/rotate) or ask another administrator");
        }

        return await UserAccounts.RevokeKeysAsync(users, name, cancellationToken).ConfigureAwait(false)
            ? TypedResults.Ok(new UserKeysRevoked(name))
            : NoSuchUser(name);
    }

    private static ProblemHttpResult NoSuchUser(string name) => Problems.NotFound($"user '{name}' does not exist");
}
