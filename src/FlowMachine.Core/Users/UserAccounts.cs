using FlowMachine.Storage;

namespace FlowMachine.Users;

/// <summary>Creating users and keys, shared by the server's bootstrap and the CLI.</summary>
public static class UserAccounts
{
    /// <summary>Adds a user with a fresh key and returns the key (the only time it is ever visible).</summary>
    /// <exception cref="InvalidOperationException">A user with that name exists.</exception>
    public static async Task<string> AddUserAsync(IUserStore store, string name, bool isAdmin, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!await store.AddUserAsync(new UserRecord(name, isAdmin, now), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"A user named '{name}' exists already; choose another name.");
        }

        var key = ApiKey.Generate();
        await AddKeyAsync(store, name, key, now, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Stores the hash of a key the caller chose (for example from an environment variable).</summary>
    public static ValueTask AddKeyAsync(IUserStore store, string userName, string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return store.AddApiKeyAsync(new ApiKeyRecord(ApiKey.Prefix(key), userName, ApiKey.Hash(key), now), cancellationToken);
    }

    /// <summary>
    /// Replaces every key of the user with a fresh one and returns it (the only time it is ever visible); the old keys
    /// stop working at once. Null when the user does not exist.
    /// </summary>
    public static async Task<string?> RotateKeyAsync(IUserStore store, string name, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = ApiKey.Generate();
        var replaced = await store.ReplaceApiKeysAsync(name, new ApiKeyRecord(ApiKey.Prefix(key), name, ApiKey.Hash(key), now), cancellationToken).ConfigureAwait(false);
        return replaced ? key : null;
    }

    /// <summary>Removes every key of the user, so none of them works any more. False when the user does not exist.</summary>
    public static async Task<bool> RevokeKeysAsync(IUserStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return await store.ReplaceApiKeysAsync(name, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every user with the display prefixes of its keys (never the keys), by name.</summary>
    public static async Task<IReadOnlyList<UserSummary>> ListAsync(IUserStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var users = await store.ListUsersAsync(cancellationToken).ConfigureAwait(false);
        var keys = (await store.ListApiKeysAsync(cancellationToken).ConfigureAwait(false)).ToLookup(k => k.UserName, StringComparer.Ordinal);
        return [.. users.Select(u => new UserSummary(u.Name, u.IsAdmin, u.CreatedAt, [.. keys[u.Name].Select(k => k.Prefix)], keys[u.Name].Select(k => (DateTimeOffset?)k.CreatedAt).Max()))];
    }

    /// <summary>The user a presented key belongs to, or null.</summary>
    public static async Task<UserRecord?> AuthenticateAsync(IUserStore store, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return string.IsNullOrEmpty(key) ? null : await store.FindUserByKeyHashAsync(ApiKey.Hash(key), cancellationToken).ConfigureAwait(false);
    }
}
