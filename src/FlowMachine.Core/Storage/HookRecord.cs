namespace FlowMachine.Storage;

/// <summary>A stored webhook.</summary>
/// <param name="Name">The unique name, the last segment of its URL.</param>
/// <param name="Secret">The key of the HMAC-SHA256 signature its deliveries carry.</param>
/// <param name="Owner">The user who created it: owns the flows it starts, and its events reach that user's flows.</param>
/// <param name="ActionJson">What a delivery does, as JSON: <c>{"start":{...}}</c> or <c>{"event":{...}}</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RotatedAt">When its secret was last replaced, or null.</param>
public sealed record HookRecord(string Name, string Secret, string Owner, string ActionJson, DateTimeOffset CreatedAt, DateTimeOffset? RotatedAt);
