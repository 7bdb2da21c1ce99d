using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>Schemas as an older FlowMachine left them, and statements a test runs behind the store's back.</summary>
internal static class PostgresSchemas
{
    /// <summary>A new schema at <paramref name="version"/>, then <paramref name="rows"/> (SQL, with <c>@spec</c> bound to <paramref name="spec"/>); returns its name.</summary>
    public static async Task<string> CreateAtVersionAsync(TestDatabase db, int version, string rows, string? spec = null)
    {
        var schema = db.NewSchema();
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        var sql = $"CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\";\n" +
            string.Join(";\n", PostgresSchema.Migrations.Take(version)) + ";\n" +
            $"CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES ({version});" + rows;
        await using var cmd = new NpgsqlCommand(sql, connection);
        if (spec is not null)
        {
            cmd.Parameters.AddWithValue("spec", spec);
        }

        await cmd.ExecuteNonQueryAsync();
        return schema;
    }

    /// <summary>A connection to a new schema the store has created at the current version (its search path).</summary>
    public static async Task<NpgsqlConnection> OpenCurrentAsync(TestDatabase db)
    {
        var schema = db.NewSchema();
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { SearchPath = schema }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The schema version <paramref name="schema"/> records.</summary>
    public static async Task<int> ReadVersionAsync(TestDatabase db, string schema)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT version FROM \"{schema}\".schema_version", connection);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Each row of <paramref name="sql"/> as its columns joined by spaces ("-" for NULL).</summary>
    public static async Task<List<string>> ReadRowsAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        var rows = new List<string>();
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>The plan of <paramref name="sql"/>, every line of every statement's.</summary>
    public static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand("EXPLAIN " + sql, connection, tx);
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }
        while (await reader.NextResultAsync());
        return string.Join("\n", lines);
    }
}
