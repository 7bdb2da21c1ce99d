using FlowMachine.Postgres;

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
    public static FlowMachineBuilder Use(FlowMachineBuilder builder, string database) =>
        IsPostgres(database) ? builder.UsePostgres(database) : builder.UseSqlite(Path.GetFullPath(database));

    /// <summary>How messages name the database: the full file path, never a connection string (it may hold a password).</summary>
    public static string Describe(string database) => IsPostgres(database) ? "the PostgreSQL database" : Path.GetFullPath(database);
}
