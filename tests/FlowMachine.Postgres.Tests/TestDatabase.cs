using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>A fresh database for one test class on the test server, dropped afterwards. Each store gets its own schema in it.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private int schemas;

    public string Name { get; } = "fm_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The connection string of this database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A schema name not used before in this database: an empty store.</summary>
    public string NewSchema() => $"s{Interlocked.Increment(ref schemas)}";

    public async Task InitializeAsync()
    {
        if (PostgresServer.ConnectionString is null && !PostgresServer.InCi)
        {
            return; // every test is skipped (see PostgresTestFramework)
        }

        var server = PostgresServer.Require();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {Name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (PostgresServer.ConnectionString is not { } server)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
