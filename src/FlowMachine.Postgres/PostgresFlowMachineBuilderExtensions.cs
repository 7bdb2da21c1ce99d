using FlowMachine.Postgres;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine;

/// <summary>Chooses the PostgreSQL store on a <see cref="FlowMachineBuilder"/>.</summary>
public static class PostgresFlowMachineBuilderExtensions
{
    /// <summary>
    /// Stores flows, routines and the server's users in PostgreSQL, shared by every worker process that points at the
    /// same database. <paramref name="connectionString"/> is an Npgsql connection string or a
    /// <c>postgres://user:pass@host:port/db</c> URL.
    /// </summary>
    public static FlowMachineBuilder UsePostgres(this FlowMachineBuilder builder, string connectionString, Action<PostgresStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseStore(
            _ =>
            {
                var options = new PostgresStoreOptions { ConnectionString = connectionString };
                configure?.Invoke(options);
                return new PostgresFlowStore(options);
            },
            sp => new PostgresUserStore((PostgresFlowStore)sp.GetRequiredService<IFlowStore>()));
    }
}
