using FlowMachine.Postgres;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlowMachine.Cli.Hosting;

/// <summary>
/// The one place that reads a store from a string: a <c>postgres://</c> URL or a PostgreSQL connection string
/// means PostgreSQL, anything else is a SQLite file path.
/// </summary>
internal static class StoreChoice
{
    /// <summary>True when <paramref name="database"/> names a PostgreSQL database rather than a file.</summary>
    public static bool IsPostgres(string database) => PostgresStoreOptions.IsPostgres(database);

    /// <summary>Chooses the store <paramref name="database"/> names on <paramref name="builder"/>.</summary>
    /// <exception cref="UsageException">A PostgreSQL URL or connection string that cannot be read.</exception>
    public static FlowMachineBuilder Use(FlowMachineBuilder builder, string database)
    {
        if (!IsPostgres(database))
        {
            return builder.UseSqlite(Path.GetFullPath(database));
        }

        _ = DescribePostgres(database); // read now: a malformed setting is one clear line, not a crash when the store opens

        // Spans and metrics of the driver join an OTLP export when one is turned on (nothing happens otherwise).
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddNpgsql());
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddNpgsqlInstrumentation());
        return builder.UsePostgres(database);
    }

    /// <summary>How messages name the database: the full file path, or the PostgreSQL database, host and user (never a password).</summary>
    /// <exception cref="UsageException">A PostgreSQL URL or connection string that cannot be read.</exception>
    public static string Describe(string database) => IsPostgres(database) ? DescribePostgres(database) : Path.GetFullPath(database);

    private static string DescribePostgres(string database)
    {
        try
        {
            return PostgresStoreOptions.Describe(database);
        }
        catch (ArgumentException ex)
        {
            // The message hides the password already; the parameter name means nothing to a user.
            var message = ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            throw new UsageException(message, ex);
        }
    }
}
