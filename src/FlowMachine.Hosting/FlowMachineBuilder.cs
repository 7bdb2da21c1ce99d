using System.Reflection;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Hosting;
using FlowMachine.Registry;
using FlowMachine.Routines;
using FlowMachine.Scheduling;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowMachine;

/// <summary>
/// Configures FlowMachine in a service collection: its store and its task types. The store packages add
/// their own choices to it (<c>UseSqlite</c> in FlowMachine.Sqlite, <c>UsePostgres</c> in FlowMachine.Postgres).
/// </summary>
public sealed class FlowMachineBuilder
{
    internal FlowMachineBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    internal List<Action<TaskRegistry>> TaskSetup { get; } = [];

    internal List<Action<FlowEngineOptions>> EngineSetup { get; } = [];

    internal DeclaredSchedules Schedules { get; } = new();

    internal DeclaredRoutines Routines { get; } = new();

    /// <summary>
    /// The task registry every host builds the same way (apps, the server, the tool, the test host): the
    /// built-ins unless turned off, then the task types added here in order, then the option's task folders.
    /// </summary>
    internal TaskRegistry BuildRegistry(FlowMachineOptions options)
    {
        var registry = new TaskRegistry();
        if (options.BuiltIns)
        {
            registry.AddBuiltIns();
        }

        foreach (var setup in TaskSetup)
        {
            setup(registry);
        }

        foreach (var folder in options.TaskFolders)
        {
            registry.LoadFolder(folder);
        }

        return registry;
    }

    /// <summary>Keeps flows in memory (tests and embedding; nothing survives the process).</summary>
    public FlowMachineBuilder UseInMemory() => UseStore(_ => new InMemoryFlowStore(), _ => new InMemoryUserStore());

    /// <summary>
    /// Uses a store of your own making. A store package's <c>UseSqlite</c> / <c>UsePostgres</c> calls this
    /// with its flow store and the <see cref="IUserStore"/> kept in the same database (the server needs one).
    /// It replaces the store chosen before, and that store's user store: without <paramref name="users"/> none is left.
    /// </summary>
    public FlowMachineBuilder UseStore(Func<IServiceProvider, IFlowStore> factory, Func<IServiceProvider, IUserStore>? users = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IFlowStore>();
        Services.AddSingleton(factory);
        Services.RemoveAll<IUserStore>();
        if (users is not null)
        {
            Services.AddSingleton(users);
        }

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

    /// <summary>Loads every task type in the plugin assemblies of <paramref name="folder"/>, after the task types added before it.</summary>
    /// <remarks>Unlike <see cref="FlowMachineOptions.TaskFolders"/>, a missing folder fails when the registry is built, not at start.</remarks>
    public FlowMachineBuilder AddTaskFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        TaskSetup.Add(r => r.LoadFolder(folder));
        return this;
    }

    /// <summary>
    /// Adjusts the engine's options after they are made from <see cref="FlowMachineOptions"/> (for example the
    /// task log or the ids of new flows); test hosts and tools use it, most apps need not.
    /// </summary>
    public FlowMachineBuilder ConfigureEngine(Action<FlowEngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        EngineSetup.Add(configure);
        return this;
    }

    /// <summary>
    /// Declares a schedule the host creates at start, or updates when one of that name exists (its paused flag
    /// stays): several processes starting at once store it once.
    /// </summary>
    /// <exception cref="ArgumentException">The name or the definition is not valid; the message names the field.</exception>
    public FlowMachineBuilder AddSchedule(string name, ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = ScheduleRules.Check(definition);
        if (ScheduleRules.NameProblem(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"schedule '{name}': {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}", nameof(definition));
        }

        Schedules.Add(name, definition);
        return this;
    }

    /// <summary>
    /// Declares a routine (built with <see cref="Routine.Define"/>) the host stores at start, checked against its task
    /// types: a new version only when the spec differs from the newest stored one, one version however many
    /// processes start at once. Flows keep the version they started with. Declare the routines a schedule names here too.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="routine"/> is null.</exception>
    public FlowMachineBuilder AddRoutine(RoutineDefinition routine)
    {
        ArgumentNullException.ThrowIfNull(routine);
        Routines.Add(routine);
        return this;
    }
}
