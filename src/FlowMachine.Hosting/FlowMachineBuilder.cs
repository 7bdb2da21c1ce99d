using System.Reflection;
using FlowMachine.Postgres;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowMachine.Hosting;

/// <summary>Configures FlowMachine in a service collection: its store and its task types.</summary>
public sealed class FlowMachineBuilder
{
    internal FlowMachineBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    internal List<Action<TaskRegistry>> TaskSetup { get; } = [];

    /// <summary>Stores flows in the SQLite file at <paramref name="path"/> (created when missing).</summary>
    public FlowMachineBuilder UseSqlite(string path, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return UseStore(_ =>
        {
            var options = new SqliteStoreOptions { Path = path };
            configure?.Invoke(options);
            return new SqliteFlowStore(options);
        });
    }

    /// <summary>
    /// Stores flows in PostgreSQL, shared by every worker process that points at the same database.
    /// <paramref name="connectionString"/> is an Npgsql connection string or a <c>postgres://user:pass@host:port/db</c> URL.
    /// </summary>
    public FlowMachineBuilder UsePostgres(string connectionString, Action<PostgresStoreOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return UseStore(_ =>
        {
            var options = new PostgresStoreOptions { ConnectionString = connectionString };
            configure?.Invoke(options);
            return new PostgresFlowStore(options);
        });
    }

    /// <summary>
    /// Chooses the store from one setting (such as the <c>FLOWMACHINE_DB</c> environment variable): a
    /// PostgreSQL URL or connection string means PostgreSQL, anything else is a SQLite file path.
    /// </summary>
    public FlowMachineBuilder UseDatabase(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return PostgresStoreOptions.IsPostgres(database) ? UsePostgres(database) : UseSqlite(database);
    }

    /// <summary>Keeps flows in memory (tests and embedding; nothing survives the process).</summary>
    public FlowMachineBuilder UseInMemory() => UseStore(_ => new InMemoryFlowStore());

    /// <summary>Uses a store of your own making.</summary>
    public FlowMachineBuilder UseStore(Func<IServiceProvider, IFlowStore> factory)
    {
        Services.RemoveAll<IFlowStore>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Registers every <see cref="TaskTypeAttribute"/> class in <paramref name="assembly"/>.</summary>
    public FlowMachineBuilder AddTasks(Assembly assembly)
    {
        TaskSetup.Add(r => r.RegisterAssembly(assembly));
        return this;
    }

    /// <summary>Registers <typeparamref name="T"/> under its <see cref="TaskTypeAttribute"/> names.</summary>
    public FlowMachineBuilder AddTask<T>()
        where T : IFlowTask
    {
        TaskSetup.Add(r => r.Register<T>());
        return this;
    }

    /// <summary>Registers a task type by name with a factory.</summary>
    public FlowMachineBuilder AddTask(string name, Func<IFlowTask> factory, string? description = null)
    {
        TaskSetup.Add(r => r.Register(name, factory, description));
        return this;
    }
}
