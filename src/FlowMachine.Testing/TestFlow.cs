using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Testing;

/// <summary>
/// A snapshot of one flow in a <see cref="FlowTestHost"/>: its state, steps, history and the path it
/// took, with assertion helpers that throw <see cref="FlowAssertionException"/> with a readable
/// description of the flow. Snapshots do not change; get a fresh one with <see cref="RefreshAsync"/>
/// or from the host's commands.
/// </summary>
public sealed class TestFlow
{
    private readonly FlowTestHost host;

    internal TestFlow(FlowTestHost host, FlowView view, IReadOnlyList<HistoryEvent> history)
    {
        this.host = host;
        View = view;
        History = history;
        Path = PathOf(history);
    }

    /// <summary>The flow and its steps as stored.</summary>
    public FlowView View { get; }

    /// <summary>The flow's id.</summary>
    public string Id => View.Flow.Id;

    /// <summary>The flow's state.</summary>
    public FlowState State => View.Flow.State;

    /// <summary>The flow record (input, data, result, error, wait reason, parent).</summary>
    public FlowRecord Flow => View.Flow;

    /// <summary>The steps in spec order.</summary>
    public IReadOnlyList<StepRecord> Steps => View.Steps;

    /// <summary>The flow's history, oldest first.</summary>
    public IReadOnlyList<HistoryEvent> History { get; }

    /// <summary>
    /// The keys of the steps that ran, in the order they first started (a retried step appears once).
    /// Skipped steps and steps that never started are not on the path.
    /// </summary>
    public IReadOnlyList<string> Path { get; }

    /// <summary>The flow's result once COMPLETED.</summary>
    public JsonNode? Result => View.Flow.Result;

    /// <summary>Why the flow failed, was killed or cancelled.</summary>
    public string? Error => View.Flow.Error;

    /// <summary>Why the flow waits, while WAITING.</summary>
    public string? WaitReason => View.Flow.WaitReason;

    /// <summary>The flow's data.</summary>
    public JsonObject Data => View.Flow.Data;

    /// <summary>The step with <paramref name="key"/>.</summary>
    /// <exception cref="FlowAssertionException">The flow has no such step.</exception>
    public StepRecord Step(string key) =>
        View.Steps.FirstOrDefault(s => s.Key == key) ?? throw Fail($"the flow has no step '{key}'");

    /// <summary>The result of step <paramref name="key"/> as JSON (null when it has none).</summary>
    public JsonNode? StepResult(string key) => Step(key).Result;

    /// <summary>The result of step <paramref name="key"/> read as <typeparamref name="T"/> (camelCase names, enums by name or number).</summary>
    public T? StepResult<T>(string key) => Read<T>(Step(key).Result, $"the result of step '{key}'");

    /// <summary>The flow's result read as <typeparamref name="T"/> (camelCase names, enums by name or number).</summary>
    public T? ResultAs<T>() => Read<T>(Result, "the flow's result");

    /// <summary>How many attempts step <paramref name="key"/> has started.</summary>
    public int Attempts(string key) => Step(key).Attempts;

    /// <summary>Reads this flow again from the store.</summary>
    public Task<TestFlow> RefreshAsync(CancellationToken cancellationToken = default) => host.GetAsync(Id, cancellationToken);

    /// <summary>Asserts the flow is COMPLETED.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBeCompleted() => ShouldBe(FlowState.Completed);

    /// <summary>Asserts the flow is WAITING, and when <paramref name="reason"/> is given, that a step waits for exactly that reason.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBeWaiting(string? reason = null)
    {
        ShouldBe(FlowState.Waiting);
        if (reason is not null && WaitReason != reason && !Steps.Any(s => s.State == StepState.Waiting && s.WaitReason == reason))
        {
            throw Fail($"expected the flow to wait for \"{reason}\"");
        }

        return this;
    }

    /// <summary>Asserts the flow is SPAWNED (waiting for a detached task or child flow).</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBeSpawned() => ShouldBe(FlowState.Spawned);

    /// <summary>Asserts the flow is FAILED, and when <paramref name="errorContains"/> is given, that its error contains it.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBeFailed(string? errorContains = null) => ShouldEnd(FlowState.Failed, errorContains);

    /// <summary>Asserts the flow is KILLED, and when <paramref name="reasonContains"/> is given, that its reason contains it.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBeKilled(string? reasonContains = null) => ShouldEnd(FlowState.Killed, reasonContains);

    /// <summary>Asserts the flow is CANCELLED.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBeCancelled() => ShouldBe(FlowState.Cancelled);

    /// <summary>Asserts the flow is in <paramref name="expected"/>.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldBe(FlowState expected)
    {
        if (State != expected)
        {
            throw Fail($"expected the flow to be {expected.ToName()}");
        }

        return this;
    }

    /// <summary>Asserts the steps that ran are exactly <paramref name="keys"/>, in this order.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldHavePath(params string[] keys)
    {
        if (!Path.SequenceEqual(keys, StringComparer.Ordinal))
        {
            throw Fail($"expected the path [{string.Join(", ", keys)}]");
        }

        return this;
    }

    /// <summary>Asserts step <paramref name="key"/> is in <paramref name="expected"/>.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldHaveStep(string key, StepState expected)
    {
        if (Step(key).State != expected)
        {
            throw Fail($"expected step '{key}' to be {expected.ToName()}");
        }

        return this;
    }

    /// <summary>Asserts step <paramref name="key"/> completed with a result equal, as JSON, to <paramref name="expected"/>.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldHaveStepResult(string key, object? expected)
    {
        ShouldHaveStep(key, StepState.Completed);
        var want = OutcomeJson.ToNode(expected);
        if (!JsonNode.DeepEquals(Step(key).Result, want))
        {
            throw Fail($"expected step '{key}' to have the result {Json(want)}");
        }

        return this;
    }

    /// <summary>Asserts the flow's result equals, as JSON, <paramref name="expected"/>.</summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldHaveResult(object? expected)
    {
        var want = OutcomeJson.ToNode(expected);
        if (!JsonNode.DeepEquals(Result, want))
        {
            throw Fail($"expected the flow's result {Json(want)}");
        }

        return this;
    }

    /// <summary>
    /// Asserts the flow is COMPLETED with a result that reads as <typeparamref name="T"/> (camelCase names, enums
    /// by name or number) and passes <paramref name="check"/>, such as <c>ShouldHaveResult&lt;Receipt&gt;(r =&gt; r.Amount == 42)</c>.
    /// </summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldHaveResult<T>(Func<T, bool> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        ShouldBeCompleted();
        if (!check(ReadRequired<T>(Result, "the flow's result")))
        {
            throw Fail($"the flow's result {Json(Result)} does not pass the check");
        }

        return this;
    }

    /// <summary>
    /// Asserts step <paramref name="key"/> is COMPLETED with a result that reads as <typeparamref name="T"/> and
    /// passes <paramref name="check"/>.
    /// </summary>
    /// <returns>This snapshot, for chaining.</returns>
    public TestFlow ShouldHaveStepResult<T>(string key, Func<T, bool> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        ShouldHaveStep(key, StepState.Completed);
        if (!check(ReadRequired<T>(Step(key).Result, $"the result of step '{key}'")))
        {
            throw Fail($"the result of step '{key}' {Json(Step(key).Result)} does not pass the check");
        }

        return this;
    }

    /// <summary>A readable description of the flow: state, path, result, and every step with its state, result, error and wait.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"flow {Id} is {State.ToName()}");
        if (WaitReason is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (waiting: {WaitReason})");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"  path: [{string.Join(", ", Path)}]");
        if (Error is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  error: {Error}");
        }

        if (Result is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  result: {Json(Result)}");
        }

        foreach (var step in Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - {step.Key} ({step.TaskType}) {step.State.ToName()}, attempts {step.Attempts}");
            if (step.Result is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $", result {Json(step.Result)}");
            }

            if (step.Error is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $", error: {step.Error}");
            }

            if (step.WaitReason is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $", waiting: {step.WaitReason}");
            }

            if (step.WaitUntil is { } until)
            {
                text.Append(CultureInfo.InvariantCulture, $" until {until:O}");
            }

            if (step.NotBefore is { } notBefore && step.State == StepState.Pending)
            {
                text.Append(CultureInfo.InvariantCulture, $", not before {notBefore:O}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Describe();

    private TestFlow ShouldEnd(FlowState expected, string? errorContains)
    {
        ShouldBe(expected);
        if (errorContains is not null && (Error is null || !Error.Contains(errorContains, StringComparison.Ordinal)))
        {
            throw Fail($"expected the flow's error to contain \"{errorContains}\"");
        }

        return this;
    }

    private T ReadRequired<T>(JsonNode? node, string what) =>
        Read<T>(node, what) ?? throw Fail($"{what} is null, not a {typeof(T).Name}");

    private T? Read<T>(JsonNode? node, string what)
    {
        try
        {
            return node is null ? default : node.Deserialize<T>(TaskParams.Options);
        }
        catch (JsonException ex)
        {
            throw new FlowAssertionException($"{what} cannot be read as {typeof(T).Name}: {ex.Message}\n{Describe()}", ex);
        }
    }

    private FlowAssertionException Fail(string expectation) => new($"{expectation}, but\n{Describe()}");

    private static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static string[] PathOf(IReadOnlyList<HistoryEvent> history)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. history
            .Where(e => e.Kind == HistoryKinds.StepStarted && e.StepKey is not null)
            .Select(e => e.StepKey!)
            .Where(seen.Add)];
    }
}
