using System.Security.Claims;

namespace FlowMachine.Server.Auth;

/// <summary>The authenticated user of a request: owner of the flows it starts.</summary>
internal sealed record Caller(string Name, bool IsAdmin)
{
    public static Caller From(ClaimsPrincipal principal) =>
        new(principal.Identity?.Name ?? throw new InvalidOperationException("The request is not authenticated."), principal.IsInRole(ApiKeyDefaults.AdminRole));

    /// <summary>Admins see every flow; others only their own.</summary>
    public bool CanSee(string? owner) => IsAdmin || string.Equals(owner, Name, StringComparison.Ordinal);
}
