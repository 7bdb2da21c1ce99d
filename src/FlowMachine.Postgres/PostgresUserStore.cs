using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using FlowMachine.Users;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// Users and API key hashes in the flow store's PostgreSQL schema, on its connections and with its retries,
/// so every server process on the database sees the same users. Keys are kept only as SHA-256 hashes.
/// </summary>
public sealed class PostgresUserStore(PostgresFlowStore flows) : IUserStore
{
    /// <summary>Initializes the flow store, whose migrations create the user tables.</summary>
    public ValueTask InitializeAsync(CancellationToken cancellationToken) => flows.InitializeAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        user = RelationalSql.CheckedNewUser(user);
        return flows.RunAsync(async (connection, ct) =>
        {
            var cmd = new NpgsqlCommand(RelationalSql.InsertUser, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            RelationalSql.BindNewUser(cmd, user, user.IsAdmin);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) =>
        (await flows.QueryAsync($"SELECT {RelationalSql.UserColumns} FROM users WHERE name = @name", p => p.Add(P("name", name)), ReadUser, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        await flows.QueryAsync($"SELECT {RelationalSql.UserColumns} FROM users ORDER BY name", _ => { }, ReadUser, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<long> CountUsersAsync(CancellationToken cancellationToken) =>
        (await flows.QueryAsync("SELECT COUNT(*) FROM users", _ => { }, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc/>
    public async ValueTask AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);

        // Inserted only when the user exists, in one statement: no window for the user to vanish in between.
        var added = await flows.RunAsync(async (connection, ct) =>
        {
            var cmd = new NpgsqlCommand(
                "INSERT INTO api_keys (key_hash, prefix, user_name, created_at) SELECT @hash, @prefix, name, @at FROM users WHERE name = @user " +
                "ON CONFLICT (key_hash) DO NOTHING RETURNING 1",
                connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(Hash(key.Hash.ToArray()));
            cmd.Parameters.Add(P("prefix", key.Prefix));
            cmd.Parameters.Add(P("user", key.UserName));
            cmd.Parameters.Add(P("at", Ms(key.CreatedAt)));
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return true;
            }

            // Nothing inserted: either the key is stored already (fine) or the user does not exist.
            var exists = new NpgsqlCommand("SELECT 1 FROM users WHERE name = @user", connection);
            await using var existsScope = exists.ConfigureAwait(false);
            exists.Parameters.Add(P("user", key.UserName));
            return await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
        }, cancellationToken).ConfigureAwait(false);
        if (!added)
        {
            throw new InvalidOperationException($"User '{key.UserName}' does not exist; add the user before giving it a key.");
        }
    }

    /// <inheritdoc/>
    public async ValueTask<UserRecord?> FindUserByKeyHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var rows = await flows.QueryAsync(
            "SELECT k.key_hash, u.name, u.is_admin, u.created_at FROM api_keys k JOIN users u ON u.name = k.user_name WHERE k.key_hash = @hash",
            p => p.Add(Hash(hash)),
            r => (Stored: (byte[])r.GetValue(0), User: RelationalRows.ReadUser(r, 1)),
            cancellationToken).ConfigureAwait(false);

        // The index found the row; the hashes are still compared in constant time before trusting it.
        return rows.Count == 1 && ApiKey.HashesEqual(rows[0].Stored, hash) ? rows[0].User : null;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        await flows.QueryAsync(RelationalSql.ListApiKeys, _ => { }, RelationalRows.ReadApiKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<bool> ReplaceApiKeysAsync(string userName, ApiKeyRecord? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return flows.RunAsync(async (connection, ct) =>
        {
            // One transaction, the user's row locked: the old keys go and the new one comes at the same moment.
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var user = new NpgsqlCommand("SELECT 1 FROM users WHERE name = @user FOR UPDATE", connection, tx);
            await using (user.ConfigureAwait(false))
            {
                user.Parameters.Add(P("user", userName));
                if (await user.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                {
                    return false;
                }
            }

            var delete = new NpgsqlCommand(RelationalSql.DeleteApiKeys, connection, tx);
            await using (delete.ConfigureAwait(false))
            {
                delete.Parameters.Add(P("user", userName));
                await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (replacement is not null)
            {
                var insert = new NpgsqlCommand(
                    "INSERT INTO api_keys (key_hash, prefix, user_name, created_at) VALUES (@hash, @prefix, @user, @at) ON CONFLICT (key_hash) DO NOTHING", connection, tx);
                await using var insertScope = insert.ConfigureAwait(false);
                insert.Parameters.Add(Hash(replacement.Hash.ToArray()));
                insert.Parameters.Add(P("prefix", replacement.Prefix));
                insert.Parameters.Add(P("user", userName));
                insert.Parameters.Add(P("at", Ms(replacement.CreatedAt)));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private static NpgsqlParameter Hash(byte[] hash) => new("hash", NpgsqlDbType.Bytea) { Value = hash };

    private static UserRecord ReadUser(NpgsqlDataReader r) => RelationalRows.ReadUser(r, 0);
}
