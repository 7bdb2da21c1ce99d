namespace FlowMachine.Operations;

/// <summary>Who asks: a user's name and whether they are an administrator. Owner of the flows they start.</summary>
/// <param name="Name">The user's name.</param>
/// <param name="IsAdmin">Administrators see every flow and may move a flow's position.</param>
public sealed record Caller(string Name, bool IsAdmin)
{
    /// <summary>Admins see every flow; others only their own.</summary>
    public bool CanSee(string? owner) => IsAdmin || Owns(owner);

    /// <summary>Whether the caller owns a flow: only then does a start with its key return it (admins too).</summary>
    public bool Owns(string? owner) => string.Equals(owner, Name, StringComparison.Ordinal);
}
