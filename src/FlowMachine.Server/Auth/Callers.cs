using System.Security.Claims;
using FlowMachine.Operations;

namespace FlowMachine.Server.Auth;

/// <summary>The <see cref="Caller"/> of a request, and what the API tells it.</summary>
internal static class Callers
{
    /// <summary>The authenticated user of a request.</summary>
    public static Caller From(ClaimsPrincipal principal) =>
        new(principal.Identity?.Name ?? throw new InvalidOperationException("The request is not authenticated."), principal.IsInRole(ApiKeyDefaults.AdminRole));

    /// <summary>
    /// Why a start with a key held by a flow of another owner is refused. Admins, who may see that flow,
    /// are told which one it is; anyone else learns nothing about it.
    /// </summary>
    public static string KeyHeldBy(this Caller caller, string key, string flowId, string? owner) => caller.IsAdmin
        ? $"the key '{key}' belongs to flow {flowId} of {(owner is null ? "no user" : $"user '{owner}'")}; a start returns an existing flow only to its owner, so choose another key (or open that flow: GET /api/v1/flows/{flowId})"
        : $"the key '{key}' belongs to another user's flow; choose another key";
}
