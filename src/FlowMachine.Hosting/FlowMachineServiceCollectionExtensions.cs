using FlowMachine;
using FlowMachine.Engine;
using FlowMachine.Hosting;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Retention;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds FlowMachine to a host.</summary>
public static class FlowMachineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine, the <see cref="IFlowClient"/>, the task registry and (unless turned off) the worker.
    /// Choose a store on the returned builder (<c>.UseSqlite(path)</c> from FlowMachine.Sqlite, <c>.UsePostgres(connectionString)</c>
    /// from FlowMachine.Postgres); the default keeps flows in memory.
    /// </summary>
    public static FlowMachineBuilder AddFlowMachine(this IServiceCollection services, Action<FlowMachineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new FlowMachineBuilder(services);
        var options = services.AddOptions<FlowMachineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddSingleton<IValidateOptions<FlowMachineOptions>, FlowMachineOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFlowStore>(_ => new InMemoryFlowStore());

        // Each role of the store is the one store: consumers take the narrowest they need.
        services.TryAddSingleton<IFlowRuntimeStore>(sp => sp.GetRequiredService<IFlowStore>());
        services.TryAddSingleton<IFlowQueryStore>(sp => sp.GetRequiredService<IFlowStore>());
        services.TryAddSingleton<IRoutineStore>(sp => sp.GetRequiredService<IFlowStore>());
        services.TryAddSingleton<IResumeTokenStore>(sp => sp.GetRequiredService<IFlowStore>());
        services.TryAddSingleton<IScheduleStore>(sp => sp.GetRequiredService<IFlowStore>());
        services.TryAddSingleton<IFlowRetentionStore>(sp => sp.GetRequiredService<IFlowStore>());
        services.TryAddSingleton(sp => new RetentionSweeper(
            sp.GetRequiredService<IFlowRetentionStore>(), sp.GetRequiredService<IOptions<FlowMachineOptions>>().Value.Retention, sp.GetRequiredService<FlowEngine>().Time));
        services.TryAddSingleton(sp => builder.BuildRegistry(sp.GetRequiredService<IOptions<FlowMachineOptions>>().Value));
        services.TryAddSingleton<ITaskCatalog>(sp => sp.GetRequiredService<TaskRegistry>());
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<FlowMachineOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowMachine.Tasks");
            var engineOptions = new FlowEngineOptions
            {
                Time = sp.GetRequiredService<TimeProvider>(),
                TaskLog = new LoggerTaskLog(logger),
                Services = sp,
                LeaseDuration = o.LeaseDuration,
                SpecLimits = new SpecLimits { MaxBytes = o.MaxSpecBytes, MaxSteps = o.MaxSpecSteps },
                MaxResultBytes = o.MaxResultBytes,
                MaxRecoveries = o.MaxRecoveries,
                KeptEventLifetime = o.KeptEventLifetime,
                Queues = o.Queues.Count > 0 ? [.. o.Queues.Distinct(StringComparer.Ordinal)] : [FlowMachine.Routing.QueueNames.Default],
                TaskQueues = new Dictionary<string, string>(o.TaskQueues, StringComparer.Ordinal),
            };
            if (o.WorkerId is { Length: > 0 } id)
            {
                engineOptions.WorkerId = id;
            }

            foreach (var adjust in builder.EngineSetup)
            {
                adjust(engineOptions);
            }

            return engineOptions;
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<FlowEngineOptions>().SpecLimits);
        services.TryAddSingleton(sp =>
        {
            var engine = new FlowEngine(sp.GetRequiredService<IFlowStore>(), sp.GetRequiredService<ITaskCatalog>(), sp.GetRequiredService<FlowEngineOptions>());
            var engineLogger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowMachine.Engine");
            engine.Faulted += (flowId, ex) => LogMessages.FlowFaulted(engineLogger, flowId, ex);
            return engine;
        });
        services.TryAddSingleton<IFlowClient>(sp => new FlowClient(sp.GetRequiredService<FlowEngine>()));
        services.TryAddSingleton<IFlowRunner>(sp => sp.GetRequiredService<FlowEngine>());
        services.TryAddSingleton<IFlowChangeFeed>(sp => sp.GetRequiredService<FlowEngine>());
        services.TryAddSingleton<SpecInput>();
        services.TryAddSingleton<FlowVerbs>();
        services.TryAddSingleton(sp => new EventVerbs(sp.GetRequiredService<FlowEngine>()));
        services.TryAddSingleton<FlowDeletion>();
        services.TryAddSingleton(sp => new FlowMachine.Hooks.HookVerbs(sp.GetRequiredService<IFlowStore>(), sp.GetRequiredService<FlowEngine>().Time));
        services.TryAddSingleton<FlowBulk>();
        services.TryAddSingleton(sp => new PauseVerbs(sp.GetRequiredService<IFlowStore>(), sp.GetRequiredService<FlowEngine>().Time));
        services.TryAddSingleton(sp => new FlowMachine.Diagnosis.FlowDiagnoser(sp.GetRequiredService<IFlowStore>(), sp.GetRequiredService<FlowEngine>().Time));
        services.TryAddSingleton(sp => new FlowMachine.Diagnosis.AttentionReader(sp.GetRequiredService<IFlowStore>(), sp.GetRequiredService<FlowEngine>().Time));
        services.TryAddSingleton<RoutineSaving>();
        services.TryAddSingleton(_ => new ScheduleOptions());
        services.TryAddSingleton(sp => new ScheduleRunner(sp.GetRequiredService<FlowEngine>(), sp.GetRequiredService<ScheduleOptions>()));
        services.TryAddSingleton(sp => new ScheduleVerbs(sp.GetRequiredService<IFlowStore>(), sp.GetRequiredService<SpecInput>(), sp.GetRequiredService<ScheduleRunner>(), sp.GetRequiredService<FlowEngine>().Time));
        services.TryAddSingleton(builder.Schedules);
        services.TryAddSingleton(builder.Routines);

        // Registered first so the store is ready before the worker or any other hosted service uses it.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StoreInitializer>());
        services.AddHostedService<FlowWorkerService>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddHostedService<RetentionSweeperService>();
        return builder;
    }
}
