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

    /// <summary>
    /// A file at the version just before the migration that contains <paramref name="marker"/>, holding spec 'h' and
    /// the flow <paramref name="flowId"/> in <paramref name="state"/> (created at Unix ms 1000, due at 1500), then
    /// <paramref name="rows"/>.
    /// </summary>
    public static void CreateBefore(string path, string marker, string flowId, string state, string rows = "")
    {
        var before = SqliteSchema.Migrations.ToList().FindIndex(m => m.Contains(marker, StringComparison.Ordinal));
        Assert.True(before > 0);
        CreateAtVersion(
            path,
            before,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[]}');" +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at) VALUES " +
            $"('{flowId}', 'h', '{state}', 0, '{{}}', 0, 0, 1000, 1000, 1500);" + rows);
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
