using System.Text.Json.Serialization;

namespace FlowMachine.Server.Users;

/// <summary>The answer to revoking a user's keys.</summary>
/// <param name="Name">The user.</param>
/// <param name="Revoked">Always true: every key of the user stopped working.</param>
internal sealed record UserKeysRevoked(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("revoked")] bool Revoked = true);
