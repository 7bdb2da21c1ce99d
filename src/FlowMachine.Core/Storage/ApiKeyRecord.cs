namespace FlowMachine.Storage;

/// <summary>
/// An API key as stored: only the SHA-256 hash of the key, never the key itself, plus a short prefix
/// of the key so people can tell their keys apart.
/// </summary>
/// <param name="Prefix">The first characters of the key (for example <c>fm_Ab3dE</c>), for display only.</param>
/// <param name="UserName">The user the key belongs to.</param>
/// <param name="Hash">The SHA-256 hash of the whole key text (32 bytes).</param>
/// <param name="CreatedAt">When the key was made.</param>
public sealed record ApiKeyRecord(string Prefix, string UserName, ReadOnlyMemory<byte> Hash, DateTimeOffset CreatedAt);
