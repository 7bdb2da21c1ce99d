using FlowMachine.Users;

namespace FlowMachine.Storage.InMemory;

/// <summary>Users and key hashes in process memory, for tests and embedding.</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<string, UserRecord> users = new(StringComparer.Ordinal);
    private readonly List<ApiKeyRecord> keys = [];

    /// <inheritdoc/>
    public ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (gate)
        {
            return ValueTask.FromResult(users.TryAdd(user.Name, user));
        }
    }

    /// <inheritdoc/>
    public ValueTask<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult(users.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<UserRecord>>([.. users.Values]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> CountUsersAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult((long)users.Count);
        }
    }

    /// <inheritdoc/>
    public ValueTask AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            if (!users.ContainsKey(key.UserName))
            {
                throw new InvalidOperationException($"User '{key.UserName}' does not exist; add the user before giving it a key.");
            }

            keys.Add(key with { Hash = key.Hash.ToArray() });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<UserRecord?> FindUserByKeyHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        lock (gate)
        {
            // Every key is compared (no early exit), so the time taken says nothing about which matched.
            ApiKeyRecord? match = null;
            foreach (var key in keys)
            {
                if (ApiKey.HashesEqual(key.Hash.Span, hash))
                {
                    match = key;
                }
            }

            return ValueTask.FromResult(match is null ? null : users.GetValueOrDefault(match.UserName));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<ApiKeyRecord>>([.. keys
                .OrderBy(k => k.UserName, StringComparer.Ordinal)
                .ThenBy(k => k.CreatedAt)
                .ThenBy(k => k.Prefix, StringComparer.Ordinal)
                .Select(k => k with { Hash = k.Hash.ToArray() })]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReplaceApiKeysAsync(string userName, ApiKeyRecord? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        lock (gate)
        {
            if (!users.ContainsKey(userName))
            {
                return ValueTask.FromResult(false);
            }

            keys.RemoveAll(k => k.UserName == userName);
            if (replacement is not null)
            {
                keys.Add(replacement with { UserName = userName, Hash = replacement.Hash.ToArray() });
            }

            return ValueTask.FromResult(true);
        }
    }
}
