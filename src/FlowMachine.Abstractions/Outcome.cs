using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>
/// What a task tells its flow to do next. Create one with the static factories:
/// <see cref="Result"/>, <see cref="Wait(string, string?, DateTimeOffset?)"/>, <see cref="SpawnTask"/>, <see cref="SpawnRoutine"/>,
/// <see cref="Kill"/>, <see cref="Done"/> and <see cref="Fail"/>.
/// </summary>
public abstract record Outcome
{
    private protected Outcome()
    {
    }

    /// <summary>Values to set in the flow data when this outcome is committed (top-level keys).</summary>
    public IReadOnlyDictionary<string, JsonNode?>? DataChanges { get; init; }

    /// <summary>Param values to merge into later steps, by step key, when this outcome is committed.</summary>
    public IReadOnlyDictionary<string, JsonObject>? ParamChanges { get; init; }

    /// <summary>The step completed with <paramref name="value"/>, stored as JSON; its successors become runnable.</summary>
    public static ResultOutcome Result(object? value = null) => value is null ? NullResult : new(OutcomeJson.ToNode(value), null);

    // Outcomes are immutable records: the common "completed with nothing" needs no allocation.
    private static readonly ResultOutcome NullResult = new(null, null);

    /// <summary>
    /// The step completed and only the named successors run; the other successors are skipped
    /// (used by <c>switch</c>).
    /// </summary>
    public static ResultOutcome Choose(object? value, params string[] successors) => new(OutcomeJson.ToNode(value), successors);

    /// <summary>The step waits: for a push, a successful check on resubmit, the named event, or the given time.</summary>
    public static WaitOutcome Wait(string reason, string? eventName = null, DateTimeOffset? until = null) => new(reason, eventName, until);

    /// <summary>
    /// The step waits for the event <paramref name="event"/> raised with the correlation key <paramref name="key"/>
    /// (<c>POST /api/v1/events/{name}</c> or <c>flowmachine events raise</c>); the event's value becomes its result.
    /// An event raised with that key before the step waits, and kept, resumes it at once. Set a timer with
    /// <c>with { Until = time }</c> and a reason with <c>with { Reason = text }</c>. Name the arguments,
    /// <c>Outcome.Wait(@event: "shipment.packed", key: order)</c>: two plain strings in a row are the reason and the
    /// event name of <see cref="Wait(string, string?, DateTimeOffset?)"/>.
    /// </summary>
    /// <param name="event">The event's name, such as <c>shipment.packed</c>.</param>
    /// <param name="key">The correlation key, such as an order number: a string, or a value written in the invariant culture.</param>
    public static WaitOutcome Wait(string @event, object key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(@event);
        ArgumentNullException.ThrowIfNull(key);
        var text = key as string ?? Convert.ToString(key, CultureInfo.InvariantCulture) ?? "";
        ArgumentException.ThrowIfNullOrEmpty(text, nameof(key));
        return new($"waiting for event {@event} with key {text}", @event, null) { EventKey = text };
    }

    /// <summary>The step runs <paramref name="taskType"/> detached, outside the flow; its result becomes the step's result.</summary>
    public static SpawnOutcome SpawnTask(string taskType, object? args = null) =>
        new([new SpawnRequest { TaskType = taskType, Args = OutcomeJson.ToNode(args) as JsonObject ?? [] }], Collect: false);

    /// <summary>The step starts a child flow of a stored routine and waits for it; the child's result becomes the step's result.</summary>
    public static SpawnOutcome SpawnRoutine(string routine, object? input = null, int? version = null) =>
        new([new SpawnRequest { Routine = routine, Version = version, Input = OutcomeJson.ToNode(input) }], Collect: false);

    /// <summary>The step starts a child flow from an inline spec (JSON in the spec format) and waits for it.</summary>
    public static SpawnOutcome SpawnSpec(JsonNode spec, object? input = null) =>
        new([new SpawnRequest { Spec = spec.DeepClone(), Input = OutcomeJson.ToNode(input) }], Collect: false);

    /// <summary>The step starts several children and completes with the array of their results, in order.</summary>
    public static SpawnOutcome SpawnAll(IEnumerable<SpawnRequest> children) => new([.. children], Collect: true);

    /// <summary>The task ran fine but the flow must end: the flow goes KILLED with this reason.</summary>
    public static KillOutcome Kill(string reason) => new(reason);

    /// <summary>Early completion: the flow goes COMPLETED with <paramref name="value"/>; the remaining steps are skipped.</summary>
    public static DoneOutcome Done(object? value = null) => new(OutcomeJson.ToNode(value));

    /// <summary>The step failed; it is retried per its retry policy, then fails the flow (or its branch).</summary>
    public static FailOutcome Fail(string error) => new(error, null);

    /// <summary>Returns a copy that also sets <paramref name="key"/> in the flow data.</summary>
    public Outcome WithData(string key, object? value)
    {
        var changes = DataChanges is null ? new Dictionary<string, JsonNode?>() : new Dictionary<string, JsonNode?>(DataChanges);
        changes[key] = OutcomeJson.ToNode(value);
        return this with { DataChanges = changes };
    }

    /// <summary>A plain value returned by a task is its result.</summary>
    public static implicit operator Outcome(JsonNode? value) => Result(value);
}
