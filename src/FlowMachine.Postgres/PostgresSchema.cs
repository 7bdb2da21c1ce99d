using System.Text;
using Npgsql;

namespace FlowMachine.Postgres;

/// <summary>
/// The schema as an ordered list of migrations. Version N is the state after the first N migrations;
/// a change is a new entry at the end, never an edit of an old one. Times are unix milliseconds (as in
/// SQLite), JSON is text (jsonb would reorder object keys), ids and names sort bytewise (COLLATE "C").
/// </summary>
internal static class PostgresSchema
{
    public static IReadOnlyList<string> Migrations => PostgresMigrations.All;

    /// <summary>The schema version this code writes.</summary>
    public static int Latest => Migrations.Count;

    /// <summary>
    /// Brings the schema to <see cref="Latest"/> in one transaction, or refuses a newer one. A transaction-scoped
    /// advisory lock (per database and schema) makes processes that start at the same moment take turns:
    /// the first migrates, the others then find the work done.
    /// </summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, tx);
        await using (lockCmd.ConfigureAwait(false))
        {
            lockCmd.Parameters.AddWithValue("key", LockKey(schema));
            await lockCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var quoted = Quote(schema);
        await ExecuteAsync(connection, tx, $"CREATE SCHEMA IF NOT EXISTS {quoted}; CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
        int current;
        var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {quoted}.schema_version", connection, tx);
        await using (read.ConfigureAwait(false))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL schema '{schema}' has FlowMachine schema version {current}, but this version of FlowMachine knows versions up to {Latest}. " +
                "Run a newer FlowMachine against it, or use another schema (PostgresStoreOptions.Schema).");
        }

        for (var version = current + 1; version <= Latest; version++)
        {
            // The search path of the connection is the schema, so migrations name tables without it.
            await ExecuteAsync(connection, tx, $"SET LOCAL search_path TO {quoted}; " + Migrations[version - 1], cancellationToken).ConfigureAwait(false);
        }

        if (current < Latest)
        {
            await ExecuteAsync(connection, tx, $"DELETE FROM {quoted}.schema_version; INSERT INTO {quoted}.schema_version (version) VALUES ({Latest})", cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a schema name: plain lower-case identifiers only, so it can be quoted into SQL safely.</summary>
    public static string Validate(string schema)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > 50 || !(char.IsAsciiLetterLower(schema[0]) || schema[0] == '_')
            || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"The schema name '{schema}' is not valid: use lower-case letters, digits and '_', starting with a letter (at most 50 characters).", nameof(schema));
        }

        return schema;
    }

    public static string Quote(string identifier) => "\"" + identifier + "\"";

    /// <summary>A stable 64-bit key for the advisory lock (FNV-1a; string.GetHashCode differs per process).</summary>
    private static long LockKey(string schema)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes("flowmachine.migrate:" + schema))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        await using var cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
