using System.Text.Json.Nodes;

namespace FlowMachine.Users;

/// <summary>A user as listings show it: name, role, and the display prefixes of its keys (the keys are never stored).</summary>
/// <param name="Name">The user name.</param>
/// <param name="IsAdmin">Whether the user is an administrator.</param>
/// <param name="CreatedAt">When the user was added.</param>
/// <param name="KeyPrefixes">The first characters of each of its keys, oldest first; empty when its keys were revoked.</param>
/// <param name="LatestKeyAt">When its newest key was made, or null without keys.</param>
public sealed record UserSummary(string Name, bool IsAdmin, DateTimeOffset CreatedAt, IReadOnlyList<string> KeyPrefixes, DateTimeOffset? LatestKeyAt)
{
    /// <summary>The user as the API and <c>flowmachine users list --json</c> show it.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["admin"] = IsAdmin,
        ["createdAt"] = CreatedAt,
        ["keys"] = new JsonArray([.. KeyPrefixes.Select(p => (JsonNode)JsonValue.Create(p))]),
        ["latestKeyAt"] = LatestKeyAt,
    };
}
