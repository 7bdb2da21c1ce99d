using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite.Tests;

/// <summary>Database files as an older FlowMachine left them, and what a test reads from one behind the store's back.</summary>
internal static class SqliteFiles
{
    /// <summary>Writes the schema of <paramref name="version"/> to <paramref name="path"/>, then <paramref name="rows"/> (SQL, with <c>@spec</c> bound to <paramref name="spec"/>).</summary>
    public static void CreateAtVersion(string path, int version, string rows, string? spec = null)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = string.Join(";\n", SqliteSchema.Migrations.Take(version)) + ";\n" +
            $"CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES ({version});" + rows;
        if (spec is not null)
        {
            command.Parameters.AddWithValue("@spec", spec);
        }

        command.ExecuteNonQuery();
    }

    public static long ReadSchemaVersion(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The lines of SQLite's plan for a claim statement (parameters <c>@owner</c>, <c>@expires</c>, <c>@now</c>, <c>@max</c>).</summary>
    public static List<string> ClaimPlan(string path, string claimSql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + claimSql;
        command.Parameters.AddWithValue("@owner", "w");
        command.Parameters.AddWithValue("@expires", 2);
        command.Parameters.AddWithValue("@now", 1);
        command.Parameters.AddWithValue("@max", 8);
        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }
}
