using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>A fresh database on the benchmark's PostgreSQL server, dropped afterwards.</summary>
internal sealed class PgDatabase : IAsyncDisposable
{
    private readonly string server;
    private readonly string name = "fm_bench_" + Guid.NewGuid().ToString("N")[..10];

    private PgDatabase(string server)
    {
        this.server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    /// <summary>The server to benchmark: FLOWMACHINE_BENCH_PG, else the test server of .ci/setup-postgres.sh.</summary>
    public static string? Server =>
        Environment.GetEnvironmentVariable("FLOWMACHINE_BENCH_PG") ?? Environment.GetEnvironmentVariable("FLOWMACHINE_TEST_PG");

    public string ConnectionString { get; }

    public static async Task<PgDatabase> CreateAsync(string server)
    {
        var database = new PgDatabase(server);
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {database.name}", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
