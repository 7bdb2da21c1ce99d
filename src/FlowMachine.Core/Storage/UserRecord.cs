namespace FlowMachine.Storage;

/// <summary>A user of the server: owns flows; an admin sees and acts on every flow.</summary>
/// <param name="Name">The unique user name.</param>
/// <param name="IsAdmin">Whether the user is an administrator.</param>
/// <param name="CreatedAt">When the user was added.</param>
public sealed record UserRecord(string Name, bool IsAdmin, DateTimeOffset CreatedAt);
