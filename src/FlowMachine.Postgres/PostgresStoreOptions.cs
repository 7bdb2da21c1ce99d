namespace FlowMachine.Postgres;

/// <summary>Settings of <see cref="PostgresFlowStore"/>.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=db;Username=app;Password=...;Database=flows</c>) or a URL
    /// (<c>postgres://app:secret@db:5432/flows?sslmode=require</c>).
    /// </summary>
    public required string ConnectionString { get; set; }

    /// <summary>The PostgreSQL schema that holds FlowMachine's tables; created when missing.</summary>
    public string Schema { get; set; } = "flowmachine";

    /// <summary>The most commits grouped into one transaction under load.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>How long transient errors (a restart, a dropped connection) are retried before they surface.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock the store waits on (between reconnects of its notification listener).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>
    /// True when <paramref name="database"/> names a PostgreSQL database (a <c>postgres://</c> URL or a
    /// connection string with a host) rather than a file path; lets one setting choose the store.
    /// </summary>
    public static bool IsPostgres(string? database) =>
        database is { Length: > 0 } && PostgresConnectionString.LooksLikePostgres(database);

    /// <summary>
    /// How logs and messages name the database: <c>database 'flows' on db:5432 as app</c>, never the password or
    /// any other setting of the connection string.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a PostgreSQL connection string or URL.</exception>
    public static string Describe(string database)
    {
        var builder = PostgresConnectionString.Parse(database, "flowmachine");
        var where = $"{builder.Host}:{builder.Port}";
        var who = string.IsNullOrEmpty(builder.Username) ? "" : $" as {builder.Username}";
        return $"PostgreSQL database '{builder.Database ?? builder.Username ?? "postgres"}' on {where}{who}";
    }
}
