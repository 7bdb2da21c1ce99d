using System.Security.Claims;

namespace FlowMachine.Server.Auth;

/// <summary>The authenticated user of a request: owner of the flows it starts.</summary>
internal sealed record Caller(string Name, bool IsAdmin)
{
    public static Caller From(ClaimsPrincipal principal) =>
        new(principal.Identity?.Name ?? throw new InvalidOperationException("The request is not authenticated."), principal.IsInRole(ApiKeyDefaults.AdminRole));

    /// <summary>Admins see every flow; others only their own.</summary>
    public bool CanSee(string? owner) => IsAdmin || Owns(owner);

    /// <summary>Whether the caller owns a flow: only then does a start with its key return it (admins too).</summary>
    public bool Owns(string? owner) => string.Equals(owner, Name, StringComparison.Ordinal);

    /// <summary>
    /// Why a start with a key held by a flow of another owner is refused. Admins, who may see that flow,
    /// are told which one it is; anyone else learns nothing about it.
    /// </summary>
    public string KeyHeldBy(string key, string flowId, string? owner) => IsAdmin
        ? $"the key '{key}' belongs to flow {flowId} of {(owner is null ? "no user" : $"user '{owner}'")}; a start returns an existing flow only to its owner, so choose another key (or open that flow: GET /api/v1/flows/{flowId})"
        : $"the key '{key}' belongs to another user's flow; choose another key";
}
