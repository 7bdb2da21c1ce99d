using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine;

/// <summary>Chooses the SQLite store on a <see cref="FlowMachineBuilder"/>.</summary>
public static class SqliteFlowMachineBuilderExtensions
{
    /// <summary>
    /// Stores flows, routines and the server's users in the SQLite file at <paramref name="path"/> (created when missing).
    /// </summary>
    public static FlowMachineBuilder UseSqlite(this FlowMachineBuilder builder, string path, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.UseStore(
            _ =>
            {
                var options = new SqliteStoreOptions { Path = path };
                configure?.Invoke(options);
                return new SqliteFlowStore(options);
            },
            sp => new SqliteUserStore((SqliteFlowStore)sp.GetRequiredService<IFlowStore>()));
    }
}
