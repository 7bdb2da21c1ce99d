using System.Text.Json.Nodes;

namespace FlowMachine.Routines;

/// <summary>
/// A step of a routine being built: its settings (precursors, retry, timeouts, queue, limits), a
/// <see cref="Result"/> reference later steps can use, and the routine's methods to go on adding steps.
/// </summary>
public class StepBuilder : RoutineSteps
{
    private readonly RoutineBuilder routine;
    private readonly JsonObject settings = [];
    private readonly Type? taskClass;
    private List<string>? precursors;

    internal StepBuilder(RoutineBuilder routine, string key, string taskType, JsonObject parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        this.routine = routine;
        Key = key;
        TaskType = taskType;
        Params = parameters;
    }

    internal StepBuilder(RoutineBuilder routine, string key, Type taskClass, JsonObject parameters)
        : this(routine, key, TaskTypeNames.Of(taskClass), parameters) => this.taskClass = taskClass;

    /// <summary>The step's key.</summary>
    public string Key { get; }

    /// <summary>The step's task type name.</summary>
    public string TaskType { get; }

    /// <inheritdoc/>
    public override RoutineBuilder Routine => routine;

    /// <summary>A reference to this step's result (<c>$tasks.KEY.result</c>); <c>.Field("id")</c> for a field of it.</summary>
    public Ref Result => Ref.Result(Key);

    private protected JsonObject Params { get; }

    /// <summary>
    /// A reference to a field of this step's typed result: <c>charge.ResultField((ChargeResult r) =&gt; r.Receipt)</c> is
    /// <c>$tasks.charge.result.receipt</c>. The property names are the compiler's; for a <see cref="FlowTask{TParams, TResult}"/>
    /// step, <typeparamref name="TResult"/> must be its result type.
    /// </summary>
    /// <exception cref="ArgumentException">The lambda does not name properties, or the step's task returns another type.</exception>
    public Ref ResultField<TResult, TField>(System.Linq.Expressions.Expression<Func<TResult, TField>> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (taskClass is not null && TaskTypeNames.ResultOf(taskClass) is { } declared && declared != typeof(TResult))
        {
            throw new ArgumentException($"step '{Key}' runs {taskClass.Name}, whose result is {declared.Name}, not {typeof(TResult).Name}.", nameof(field));
        }

        return Result.Field(string.Join('.', MemberPath.Of(field, nameof(field))));
    }

    /// <summary>Runs this step when all of <paramref name="steps"/> finished (a join), instead of after the step added before it.</summary>
    public StepBuilder After(params StepBuilder[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return After([.. steps.Select(s => s.Key)]);
    }

    /// <summary>Runs this step when the steps with <paramref name="keys"/> finished; no keys starts it at the beginning.</summary>
    public StepBuilder After(params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        precursors = [.. keys];
        return this;
    }

    /// <summary>Starts this step at the beginning of the flow (<c>precursors: []</c>), beside the other first steps.</summary>
    public StepBuilder AtStart() => After(Array.Empty<string>());

    /// <summary>Adds a step of <typeparamref name="TTask"/> without params that runs after this one.</summary>
    public StepBuilder Then<TTask>(string key)
        where TTask : IFlowTask => Step<TTask>(key).After(this);

    /// <summary>Adds a step of <typeparamref name="TTask"/> that runs after this one.</summary>
    public StepBuilder Then<TTask>(string key, object? parameters)
        where TTask : IFlowTask => Step<TTask>(key, parameters).After(this);

    /// <summary>Adds a step of <typeparamref name="TTask"/> with typed params that runs after this one.</summary>
    public StepBuilder<TParams> Then<TTask, TParams>(string key, Action<TParams> configure)
        where TTask : IFlowTask
        where TParams : new()
    {
        var next = Step<TTask, TParams>(key, configure);
        next.After(this);
        return next;
    }

    /// <summary>Adds a step of the typed task <typeparamref name="TTask"/> with <typeparamref name="TParams"/> params that runs after this one.</summary>
    public StepBuilder<TParams> Then<TTask, TParams>(string key, TParams parameters)
        where TTask : IFlowTask
    {
        var next = Step<TTask, TParams>(key, parameters);
        next.After(this);
        return next;
    }

    /// <summary>This step's retry policy (<c>retry</c>): attempts in all, the first delay, its growth factor and the longest delay.</summary>
    public StepBuilder Retry(int attempts, TimeSpan? delay = null, double? factor = null, TimeSpan? maxDelay = null) =>
        Set("retry", SpecNodes.Retry(attempts, delay, factor, maxDelay));

    /// <summary>How long one attempt may take (<c>timeout</c>).</summary>
    public StepBuilder Timeout(TimeSpan timeout) => Set("timeout", SpecNodes.Seconds(timeout, nameof(timeout)));

    /// <summary>How long the step may wait to be started once it is ready (<c>schedule_to_start</c>).</summary>
    public StepBuilder ScheduleToStart(TimeSpan limit) => Set("schedule_to_start", SpecNodes.Seconds(limit, nameof(limit)));

    /// <summary>How long the task may go without a heartbeat or progress report before it is cancelled and retried (<c>heartbeat_timeout</c>).</summary>
    public StepBuilder HeartbeatTimeout(TimeSpan limit) => Set("heartbeat_timeout", SpecNodes.Seconds(limit, nameof(limit)));

    /// <summary>The queue the step runs on (<c>queue</c>).</summary>
    public StepBuilder Queue(string queue) => Set("queue", queue);

    /// <summary>At most <paramref name="limit"/> steps with the same <paramref name="key"/> value run at once (<c>concurrency</c>).</summary>
    public StepBuilder Concurrency(int limit, Ref? key = null) => Set("concurrency", SpecNodes.Concurrency(limit, key));

    /// <summary>At most <paramref name="limit"/> starts per <paramref name="per"/> for each <paramref name="key"/> value (<c>rate</c>).</summary>
    public StepBuilder Rate(int limit, TimeSpan per, Ref? key = null) => Set("rate", SpecNodes.Rate(limit, per, key));

    /// <summary>Sets one param, replacing what the params object gave (a value, or a <see cref="Ref"/>).</summary>
    public StepBuilder Param(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Params[name] = SpecNodes.Value(value);
        return this;
    }

    /// <summary>The step as the spec writes it.</summary>
    internal JsonObject ToNode()
    {
        var node = new JsonObject { ["key"] = Key, ["task_type"] = TaskType, ["task_params"] = Params.DeepClone() };
        if (precursors is not null)
        {
            node["precursors"] = new JsonArray([.. precursors.Select(p => (JsonNode?)JsonValue.Create(p))]);
        }

        foreach (var (name, value) in settings)
        {
            node[name] = value?.DeepClone();
        }

        return node;
    }

    private StepBuilder Set(string name, JsonNode value)
    {
        settings[name] = value;
        return this;
    }
}
