namespace FlowMachine.Storage;

/// <summary>
/// Users and their API keys. Keys are kept only as SHA-256 hashes; a key is found by the hash of the
/// presented key and the hashes are compared in constant time.
/// </summary>
public interface IUserStore
{
    /// <summary>Creates schema or prepares the store; safe to call more than once.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Adds a user. Returns false (and changes nothing) when the name is taken.</summary>
    ValueTask<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>The user with <paramref name="name"/>, or null.</summary>
    ValueTask<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user, by name.</summary>
    ValueTask<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>How many users exist.</summary>
    ValueTask<long> CountUsersAsync(CancellationToken cancellationToken);

    /// <summary>Stores a key hash for an existing user.</summary>
    /// <exception cref="InvalidOperationException">The user does not exist.</exception>
    ValueTask AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The user owning the key whose SHA-256 hash is <paramref name="hash"/>, or null.</summary>
    ValueTask<UserRecord?> FindUserByKeyHashAsync(byte[] hash, CancellationToken cancellationToken);

    /// <summary>Every stored key (its hash and display prefix; the key itself is never stored), by user name, then oldest first.</summary>
    ValueTask<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes every key of user <paramref name="userName"/> and stores <paramref name="replacement"/> (when given) in
    /// one step, so no moment has both the old and the new keys, or (on a rotation) neither. Returns false, changing
    /// nothing, when the user does not exist.
    /// </summary>
    ValueTask<bool> ReplaceApiKeysAsync(string userName, ApiKeyRecord? replacement, CancellationToken cancellationToken);
}
