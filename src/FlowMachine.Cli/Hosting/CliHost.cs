using FlowMachine.Engine;
using FlowMachine.Examples;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Retention;
using FlowMachine.Scheduling;
using FlowMachine.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlowMachine.Cli.Hosting;

/// <summary>
/// The registry, the store (a SQLite file or PostgreSQL) and the engine one verb works with, composed by
/// <see cref="FlowMachineServiceCollectionExtensions.AddFlowMachine"/> as in any host; disposing closes them.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private CliHost(ServiceProvider services, TaskRegistry registry)
    {
        this.services = services;
        Registry = registry;
        Client = services.GetRequiredService<IFlowClient>();
        Runner = services.GetRequiredService<IFlowRunner>();
        Changes = services.GetRequiredService<IFlowChangeFeed>();
        Routines = services.GetRequiredService<IRoutineStore>();
        Saving = services.GetRequiredService<RoutineSaving>();
        Schedules = services.GetRequiredService<ScheduleVerbs>();
        Users = services.GetRequiredService<IUserStore>();
        Pauses = services.GetRequiredService<PauseVerbs>();
    }

    /// <summary>The users of the database's server: owners of what the verbs create.</summary>
    public IUserStore Users { get; }

    public TaskRegistry Registry { get; }

    public IFlowClient Client { get; }

    /// <summary>Runs a flow here, in this process.</summary>
    public IFlowRunner Runner { get; }

    public IFlowChangeFeed Changes { get; }

    /// <summary>The routines, read-only but for <see cref="Saving"/>.</summary>
    public IRoutineStore Routines { get; }

    public RoutineSaving Saving { get; }

    /// <summary>The schedules, with the same rules as the API.</summary>
    public ScheduleVerbs Schedules { get; }

    /// <summary>Suspending flows and pausing routines, with the same rules as the API.</summary>
    public PauseVerbs Pauses { get; }

    /// <summary>The engine's worker identity, for <c>flowmachine worker</c>.</summary>
    public string WorkerId => services.GetRequiredService<FlowEngineOptions>().WorkerId;

    /// <summary>A worker on this host's engine, for <c>flowmachine worker</c>.</summary>
    public FlowWorker Worker(FlowWorkerOptions options) => new(services.GetRequiredService<FlowEngine>(), options);

    /// <summary>Fires this database's due schedules, for <c>flowmachine worker</c> as for <c>serve</c>.</summary>
    public ScheduleRunner ScheduleRunner => services.GetRequiredService<ScheduleRunner>();

    /// <summary>The retention sweeper and the policy of this host, for <c>flowmachine worker</c> and <c>flows purge</c>.</summary>
    public RetentionSweeper Sweeper => services.GetRequiredService<RetentionSweeper>();

    /// <summary>Deleting finished flows (<c>flows purge</c>, <c>flows delete</c>).</summary>
    public IFlowRetentionStore Retention => services.GetRequiredService<IFlowRetentionStore>();

    /// <summary>The workers' registry, for <c>flowmachine workers</c>.</summary>
    public IWorkerRegistry WorkerRegistry => services.GetRequiredService<IFlowStore>();

    /// <summary>The host's clock.</summary>
    public TimeProvider Time => services.GetRequiredService<FlowEngineOptions>().Time;

    /// <summary>Deleting one flow, with the same rules as the API.</summary>
    public FlowDeletion Deletion => services.GetRequiredService<FlowDeletion>();

    /// <summary>Bulk retry, cancel and delete.</summary>
    public FlowBulk Bulk => services.GetRequiredService<FlowBulk>();

    /// <summary>Says why a flow is not moving.</summary>
    public FlowMachine.Diagnosis.FlowDiagnoser Diagnoser => services.GetRequiredService<FlowMachine.Diagnosis.FlowDiagnoser>();

    /// <summary>Raises and lists events by correlation key.</summary>
    public EventVerbs Events => services.GetRequiredService<EventVerbs>();

    /// <summary>Managing webhooks, with the same rules as the API.</summary>
    public FlowMachine.Hooks.HookVerbs Hooks => services.GetRequiredService<FlowMachine.Hooks.HookVerbs>();

    /// <summary>Lists the flows that need attention.</summary>
    public FlowMachine.Diagnosis.AttentionReader Attention => services.GetRequiredService<FlowMachine.Diagnosis.AttentionReader>();

    /// <summary>Built-ins, then the samples unless turned off, then plugin folders (which may replace either).</summary>
    /// <exception cref="UsageException">A task folder does not exist.</exception>
    public static TaskRegistry BuildRegistry(HostSettings settings)
    {
        using var services = Compose(settings, NullTaskLog.Instance);
        return ResolveRegistry(services);
    }

    /// <summary>Opens (and creates or migrates) the database and builds the engine.</summary>
    public static async Task<CliHost> OpenAsync(HostSettings settings, ITaskLog taskLog, CancellationToken cancellationToken)
    {
        var services = Compose(settings, taskLog);
        try
        {
            var registry = ResolveRegistry(services);
            await services.GetRequiredService<IFlowStore>().InitializeAsync(cancellationToken).ConfigureAwait(false);

            // Without a generic host nothing starts the exporters: resolving them does (null when export is off).
            _ = services.GetService<TracerProvider>();
            _ = services.GetService<MeterProvider>();
            _ = services.GetService<ILoggerFactory>();
            return new CliHost(services, registry);
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens (and creates or migrates) the users of the database's server.</summary>
    public static async Task<(IUserStore Users, IAsyncDisposable Services)> OpenUsersAsync(HostSettings settings, CancellationToken cancellationToken)
    {
        var services = Compose(settings with { TaskFolders = [] }, NullTaskLog.Instance);
        try
        {
            var users = services.GetRequiredService<IUserStore>();
            await users.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return (users, services);
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The same composition an app's <c>AddFlowMachine()</c> makes, with the store <c>--db</c> names.</summary>
    private static ServiceProvider Compose(HostSettings settings, ITaskLog taskLog)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (settings.Telemetry)
        {
            // The standard OTEL_* variables, as a web host reads them.
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddFlowMachineOtlpExport(configuration, FlowMachineTelemetry.DefaultServiceName);
        }

        var flowMachine = services.AddFlowMachine(o =>
        {
            o.RunWorker = false;
            foreach (var queue in settings.Queues)
            {
                o.Queues.Add(queue);
            }
        }).ConfigureEngine(o => o.TaskLog = taskLog);
        StoreChoice.Use(flowMachine, settings.DbPath);
        if (settings.Examples)
        {
            flowMachine.AddTasks(ExampleTasks.Assembly);
        }

        foreach (var folder in settings.TaskFolders)
        {
            flowMachine.AddTaskFolder(folder);
        }

        return services.BuildServiceProvider();
    }

    private static TaskRegistry ResolveRegistry(ServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<TaskRegistry>();
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new UsageException(ex.Message, ex);
        }
    }

    // The container closes the engine first (it stops its heartbeat), then the store it writes to.
    public ValueTask DisposeAsync() => services.DisposeAsync();
}
