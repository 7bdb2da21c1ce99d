using System.Text.Json.Nodes;
using FlowMachine.Registry;

namespace FlowMachine.Routines;

/// <summary>
/// A routine being written in C#: its flow settings (the spec's <c>label</c>, <c>data</c> and <c>cfg</c>) and its
/// steps. Start one with <see cref="Routines.Routine.Define"/>.
/// </summary>
public sealed class RoutineBuilder : RoutineSteps
{
    private readonly List<StepBuilder> steps = [];
    private readonly List<Action<TaskRegistry>> taskClasses = [];
    private readonly JsonObject cfg = [];
    private string? label;
    private JsonObject? data;

    internal RoutineBuilder(string name) => Name = name;

    /// <summary>The routine's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override RoutineBuilder Routine => this;

    internal IReadOnlyList<Action<TaskRegistry>> TaskClasses => taskClasses;

    /// <summary>A human-readable label (<c>label</c>).</summary>
    public RoutineBuilder Label(string text)
    {
        label = text;
        return this;
    }

    /// <summary>The flow's initial data (<c>data</c>): an anonymous object, a dictionary or a JSON object.</summary>
    public RoutineBuilder Data(object value)
    {
        data = SpecNodes.Params(value, nameof(value));
        return this;
    }

    /// <summary><c>cfg.fail_fast</c>: false lets other branches go on after a step fails.</summary>
    public RoutineBuilder FailFast(bool failFast) => Cfg("fail_fast", failFast);

    /// <summary><c>cfg.retry</c>: the retry policy of steps that give none.</summary>
    public RoutineBuilder Retry(int attempts, TimeSpan? delay = null, double? factor = null, TimeSpan? maxDelay = null) =>
        Cfg("retry", SpecNodes.Retry(attempts, delay, factor, maxDelay));

    /// <summary><c>cfg.timeout</c>: how long one attempt of a step that gives none may take.</summary>
    public RoutineBuilder Timeout(TimeSpan timeout) => Cfg("timeout", SpecNodes.Seconds(timeout, nameof(timeout)));

    /// <summary><c>cfg.schedule_to_start</c>: how long a ready step that gives none may wait to be started.</summary>
    public RoutineBuilder ScheduleToStart(TimeSpan limit) => Cfg("schedule_to_start", SpecNodes.Seconds(limit, nameof(limit)));

    /// <summary><c>cfg.heartbeat_timeout</c>: how long the task of a step that gives none may go without a heartbeat or progress report.</summary>
    public RoutineBuilder HeartbeatTimeout(TimeSpan limit) => Cfg("heartbeat_timeout", SpecNodes.Seconds(limit, nameof(limit)));

    /// <summary><c>cfg.deadline</c>: how long the whole flow may take from its start; past it the flow fails with "deadline exceeded".</summary>
    public RoutineBuilder Deadline(TimeSpan deadline) => Cfg("deadline", SpecNodes.Seconds(deadline, nameof(deadline)));

    /// <summary><c>cfg.tags</c>: tags every flow of the routine gets.</summary>
    public RoutineBuilder Tags(params string[] tags) => Cfg("tags", SpecNodes.Value(tags));

    /// <summary><c>cfg.priority</c>: the priority of every flow of the routine, from -1000 to 1000.</summary>
    public RoutineBuilder Priority(int priority) => Cfg("priority", priority);

    /// <summary><c>cfg.concurrency</c>: at most <paramref name="limit"/> steps with the same <paramref name="key"/> value at once, for steps that give none.</summary>
    public RoutineBuilder Concurrency(int limit, Ref? key = null) => Cfg("concurrency", SpecNodes.Concurrency(limit, key));

    /// <summary><c>cfg.rate</c>: at most <paramref name="limit"/> starts per <paramref name="per"/> for each <paramref name="key"/> value, for steps that give none.</summary>
    public RoutineBuilder Rate(int limit, TimeSpan per, Ref? key = null) => Cfg("rate", SpecNodes.Rate(limit, per, key));

    internal T Add<T>(T step)
        where T : StepBuilder
    {
        steps.Add(step);
        return step;
    }

    internal void UsesTask(Action<TaskRegistry> register) => taskClasses.Add(register);

    /// <summary>The spec document as the builder wrote it, before validation.</summary>
    internal JsonObject ToDocument()
    {
        var document = new JsonObject();
        if (label is not null)
        {
            document["label"] = label;
        }

        if (cfg.Count > 0)
        {
            document["cfg"] = cfg.DeepClone();
        }

        if (data is not null)
        {
            document["data"] = data.DeepClone();
        }

        document["tasks"] = new JsonArray([.. steps.Select(s => (JsonNode)s.ToNode())]);
        return document;
    }

    private RoutineBuilder Cfg(string name, JsonNode? value)
    {
        cfg[name] = value;
        return this;
    }
}
