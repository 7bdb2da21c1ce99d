using FlowMachine.Registry;
using FlowMachine.Specs;

namespace FlowMachine.Routines;

/// <summary>
/// What a routine and each of its steps offer to go on: add a step (it follows the step added before it unless
/// <see cref="StepBuilder.After(StepBuilder[])"/> says otherwise), then <see cref="Build()"/>.
/// </summary>
public abstract partial class RoutineSteps
{
    private protected RoutineSteps()
    {
    }

    /// <summary>The routine being built.</summary>
    public abstract RoutineBuilder Routine { get; }

    /// <summary>Adds a step of the task class <typeparamref name="TTask"/> (its <see cref="TaskTypeAttribute"/> name) without params.</summary>
    /// <param name="key">The step's key, unique in the routine.</param>
    public StepBuilder Step<TTask>(string key)
        where TTask : IFlowTask => Step<TTask>(key, null);

    /// <summary>Adds a step of the task class <typeparamref name="TTask"/> (its <see cref="TaskTypeAttribute"/> name).</summary>
    /// <param name="key">The step's key, unique in the routine.</param>
    /// <param name="parameters">The params: an anonymous object, a dictionary, a params class or a JSON object; <see cref="Ref"/> values are references.</param>
    public StepBuilder Step<TTask>(string key, object? parameters)
        where TTask : IFlowTask
    {
        Routine.UsesTask(r => r.Register<TTask>());
        return Routine.Add(new StepBuilder(Routine, key, typeof(TTask), SpecNodes.Params(parameters, nameof(parameters))));
    }

    /// <summary>
    /// Adds a step of the typed task <typeparamref name="TTask"/> with its params as a <typeparamref name="TParams"/>
    /// (<see cref="StepBuilder{TParams}.Param"/> then sets a param to a reference).
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="TTask"/> is a <see cref="FlowTask{TParams, TResult}"/> of other params.</exception>
    public StepBuilder<TParams> Step<TTask, TParams>(string key, TParams parameters)
        where TTask : IFlowTask
    {
        TaskTypeNames.CheckParams(typeof(TTask), typeof(TParams));
        Routine.UsesTask(r => r.Register<TTask>());
        return Routine.Add(new StepBuilder<TParams>(Routine, key, typeof(TTask), SpecNodes.Params(parameters, nameof(parameters))));
    }

    /// <summary>Adds a step of <typeparamref name="TTask"/> whose params are a new <typeparamref name="TParams"/> that <paramref name="configure"/> fills.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TTask"/> is a <see cref="FlowTask{TParams, TResult}"/> of other params.</exception>
    public StepBuilder<TParams> Step<TTask, TParams>(string key, Action<TParams> configure)
        where TTask : IFlowTask
        where TParams : new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        var parameters = new TParams();
        configure(parameters);
        return Step<TTask, TParams>(key, parameters);
    }

    /// <summary>Adds a step of a task type given by name, without params.</summary>
    public StepBuilder Step(string key, string taskType) => Step(key, taskType, null);

    /// <summary>Adds a step of a task type given by name (checked against the host's task types when the routine is stored).</summary>
    public StepBuilder Step(string key, string taskType, object? parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskType);
        return Routine.Add(new StepBuilder(Routine, key, taskType, SpecNodes.Params(parameters, nameof(parameters))));
    }

    /// <summary>Builds and validates the routine as a stored routine is validated; task types named only by a string are checked when it is stored.</summary>
    /// <exception cref="SpecException">The routine is not valid; the errors name their spec paths (<c>tasks[1].precursors[0]</c>).</exception>
    public RoutineDefinition Build() => Build(new BuilderCatalog(Routine.TaskClasses));

    /// <summary>Builds and validates the routine against <paramref name="catalog"/> (every task type must be there).</summary>
    /// <exception cref="SpecException">The routine is not valid; the errors name their spec paths.</exception>
    public RoutineDefinition Build(ITaskCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var spec = SpecCompiler.Compile(Routine.ToDocument(), catalog).GetOrThrow();
        return new RoutineDefinition(Routine.Name, spec);
    }

    /// <summary>Builds the routine and returns its validated spec.</summary>
    /// <exception cref="SpecException">The routine is not valid.</exception>
    public FlowSpec ToSpec() => Build().Spec;
}
