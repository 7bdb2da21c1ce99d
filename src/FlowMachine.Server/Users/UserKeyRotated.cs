using System.Text.Json.Serialization;

namespace FlowMachine.Server.Users;

/// <summary>The answer to rotating a user's key: the new key, shown only this once.</summary>
/// <param name="Name">The user.</param>
/// <param name="Key">The new API key.</param>
internal sealed record UserKeyRotated(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("key")] string Key);
