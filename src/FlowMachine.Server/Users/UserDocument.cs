using System.Text.Json.Serialization;
using FlowMachine.Users;

namespace FlowMachine.Server.Users;

/// <summary>A user as <c>GET /api/v1/users</c> lists it: name, role, and the display prefixes of its keys (the keys are never stored).</summary>
/// <param name="Name">The user name.</param>
/// <param name="Admin">Whether the user is an administrator.</param>
/// <param name="CreatedAt">When the user was added.</param>
/// <param name="Keys">The first characters of each of its keys, oldest first; empty when its keys were revoked.</param>
/// <param name="LatestKeyAt">When its newest key was made, or null without keys.</param>
internal sealed record UserDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("keys")] IReadOnlyList<string> Keys,
    [property: JsonPropertyName("latestKeyAt")] DateTimeOffset? LatestKeyAt)
{
    public static UserDocument Of(UserSummary user) => new(user.Name, user.IsAdmin, user.CreatedAt, user.KeyPrefixes, user.LatestKeyAt);
}
