using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using FlowMachine.Users;
using Microsoft.Data.Sqlite;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

/// <summary>
/// Users and API key hashes in the same SQLite file as the flows, written through the flow store's one
/// writer (SQLite allows one writer per file) and read through its reader pool.
/// </summary>
public sealed class SqliteUserStore(SqliteFlowStore flows) : IUserStore
{
    /// <summary>Initializes the flow store, whose migrations create the user tables.</summary>
    public ValueTask InitializeAsync(CancellationToken cancellationToken) => flows.InitializeAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        user = RelationalSql.CheckedNewUser(user);
        return flows.WriteAsync(db =>
        {
            var cmd = db.Get(RelationalSql.InsertUser);
            RelationalSql.BindNewUser(cmd, user, user.IsAdmin ? 1 : 0);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) =>
        flows.ReadAsync(db =>
        {
            var cmd = db.Get($"SELECT {RelationalSql.UserColumns} FROM users WHERE name = @name");
            Add(cmd, "@name", name);
            return ReadUsers(cmd).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        flows.ReadAsync<IReadOnlyList<UserRecord>>(db => ReadUsers(db.Get($"SELECT {RelationalSql.UserColumns} FROM users ORDER BY name")), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long> CountUsersAsync(CancellationToken cancellationToken) =>
        flows.ReadAsync(db => (long)db.Get("SELECT COUNT(*) FROM users").ExecuteScalar()!, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var added = await flows.WriteAsync(db =>
        {
            var exists = db.Get("SELECT 1 FROM users WHERE name = @name");
            Add(exists, "@name", key.UserName);
            if (exists.ExecuteScalar() is null)
            {
                return false;
            }

            var cmd = db.Get("INSERT INTO api_keys (key_hash, prefix, user_name, created_at) VALUES (@hash, @prefix, @user, @at) ON CONFLICT (key_hash) DO NOTHING");
            Add(cmd, "@hash", key.Hash.ToArray());
            Add(cmd, "@prefix", key.Prefix);
            Add(cmd, "@user", key.UserName);
            Add(cmd, "@at", Ms(key.CreatedAt));
            cmd.ExecuteNonQuery();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (!added)
        {
            throw new InvalidOperationException($"User '{key.UserName}' does not exist; add the user before giving it a key.");
        }
    }

    /// <inheritdoc/>
    public ValueTask<UserRecord?> FindUserByKeyHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return flows.ReadAsync(db =>
        {
            var cmd = db.Get("SELECT k.key_hash, u.name, u.is_admin, u.created_at FROM api_keys k JOIN users u ON u.name = k.user_name WHERE k.key_hash = @hash");
            Add(cmd, "@hash", hash);
            using var r = cmd.ExecuteReader();
            if (!r.Read())
            {
                return null;
            }

            // The index found the row; the hashes are still compared in constant time before trusting it.
            var stored = (byte[])r.GetValue(0);
            return ApiKey.HashesEqual(stored, hash) ? RelationalRows.ReadUser(r, 1) : null;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        flows.ReadAsync<IReadOnlyList<ApiKeyRecord>>(db =>
        {
            using var r = db.Get(RelationalSql.ListApiKeys).ExecuteReader();
            var keys = new List<ApiKeyRecord>();
            while (r.Read())
            {
                keys.Add(RelationalRows.ReadApiKey(r));
            }

            return keys;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> ReplaceApiKeysAsync(string userName, ApiKeyRecord? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);

        // One write is one transaction: the old keys go and the new one comes at the same moment.
        return flows.WriteAsync(db =>
        {
            var exists = db.Get("SELECT 1 FROM users WHERE name = @name");
            Add(exists, "@name", userName);
            if (exists.ExecuteScalar() is null)
            {
                return false;
            }

            var delete = db.Get(RelationalSql.DeleteApiKeys);
            Add(delete, "@user", userName);
            delete.ExecuteNonQuery();
            if (replacement is not null)
            {
                var insert = db.Get("INSERT INTO api_keys (key_hash, prefix, user_name, created_at) VALUES (@hash, @prefix, @user, @at) ON CONFLICT (key_hash) DO NOTHING");
                Add(insert, "@hash", replacement.Hash.ToArray());
                Add(insert, "@prefix", replacement.Prefix);
                Add(insert, "@user", userName);
                Add(insert, "@at", Ms(replacement.CreatedAt));
                insert.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);
    }

    private static List<UserRecord> ReadUsers(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var users = new List<UserRecord>();
        while (r.Read())
        {
            users.Add(RelationalRows.ReadUser(r, 0));
        }

        return users;
    }
}
