using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Examples;
using FlowMachine.Postgres;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Hosting;

/// <summary>The registry, the store (a SQLite file or PostgreSQL) and the engine one verb works with; disposing closes them.</summary>
internal sealed class CliHost : IAsyncDisposable
{
    private CliHost(TaskRegistry registry, IFlowStore store, FlowEngine engine)
    {
        Registry = registry;
        Store = store;
        Engine = engine;
        Client = new FlowClient(engine);
    }

    public TaskRegistry Registry { get; }

    public IFlowStore Store { get; }

    public FlowEngine Engine { get; }

    public IFlowClient Client { get; }

    /// <summary>Built-ins, then the samples unless turned off, then plugin folders (which may replace either).</summary>
    /// <exception cref="UsageException">A task folder does not exist.</exception>
    public static TaskRegistry BuildRegistry(HostSettings settings)
    {
        var registry = new TaskRegistry().AddBuiltIns();
        if (settings.Examples)
        {
            registry.RegisterAssembly(ExampleTasks.Assembly);
        }

        foreach (var folder in settings.TaskFolders)
        {
            try
            {
                registry.LoadFolder(folder);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw new UsageException(ex.Message, ex);
            }
        }

        return registry;
    }

    /// <summary>Opens (and creates or migrates) the database and builds the engine.</summary>
    public static async Task<CliHost> OpenAsync(HostSettings settings, ITaskLog taskLog, CancellationToken cancellationToken)
    {
        var registry = BuildRegistry(settings);
        var store = OpenStore(settings.DbPath);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ((IAsyncDisposable)store).DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var engine = new FlowEngine(store, registry, new FlowEngineOptions { TaskLog = taskLog });
        return new CliHost(registry, store, engine);
    }

    /// <summary>A <c>postgres://</c> URL or connection string means PostgreSQL; anything else is a SQLite file.</summary>
    private static IFlowStore OpenStore(string database)
    {
        if (PostgresStoreOptions.IsPostgres(database))
        {
            return new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = database });
        }

        var full = Path.GetFullPath(database);
        if (Path.GetDirectoryName(full) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return new SqliteFlowStore(new SqliteStoreOptions { Path = full });
    }

    public async ValueTask DisposeAsync()
    {
        // The engine first: it stops its heartbeat before the store it writes to goes away.
        await Engine.DisposeAsync().ConfigureAwait(false);
        await ((IAsyncDisposable)Store).DisposeAsync().ConfigureAwait(false);
    }
}
