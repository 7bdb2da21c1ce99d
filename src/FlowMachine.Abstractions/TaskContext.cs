using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>Everything a task receives when it runs or is checked.</summary>
public sealed partial class TaskContext
{
    /// <summary>The flow's id.</summary>
    public required string FlowId { get; init; }

    /// <summary>This step's key.</summary>
    public required string StepKey { get; init; }

    /// <summary>This step's task type name.</summary>
    public required string TaskType { get; init; }

    /// <summary>1 on the first attempt, 2 on the first retry or re-run after a lost lease, and so on.</summary>
    public required int Attempt { get; init; }

    /// <summary>How many times the flow was reset (resubmitted from its first step); 0 until then.</summary>
    public int Generation { get; init; }

    /// <summary>
    /// <c>flowId/stepKey/attempt</c>, and <c>/rN</c> after the flow's Nth reset: the same for a re-run of the
    /// same attempt, so an effect can be made exactly once. Made from the other properties when first read,
    /// unless given.
    /// </summary>
    public string IdempotencyKey
    {
        get => idempotencyKey ??= ComposeIdempotencyKey();
        init => idempotencyKey = value;
    }

    private string? idempotencyKey;

    /// <summary>The flow's input. Treat as read-only.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>The flow's data. Treat as read-only; change it with <see cref="Outcome.WithData"/>.</summary>
    public required JsonObject Data { get; init; }

    /// <summary>Results of completed steps by key. Treat as read-only.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Results { get; init; }

    /// <summary>This step's params after interpolation.</summary>
    public required JsonObject Params { get; init; }

    /// <summary>On a check: the args given with the resubmit. Otherwise null.</summary>
    public JsonNode? Args { get; init; }

    /// <summary>The flow's owner, if any.</summary>
    public string? Owner { get; init; }

    /// <summary>Where the task writes its log lines.</summary>
    public ITaskLog Log { get; init; } = NullTaskLog.Instance;

    /// <summary>The clock the engine runs on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Services of the host, when it has any.</summary>
    public IServiceProvider? Services { get; init; }

    // Concatenated, not interpolated: one string, no pooled buffer. Most tasks never read the key, so it is made on demand.
    private string ComposeIdempotencyKey()
    {
        var attempt = Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Generation == 0
            ? string.Concat(FlowId, "/", StepKey, "/", attempt)
            : string.Concat(FlowId, "/", StepKey, "/", attempt, "/r", Generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a param as <typeparamref name="T"/>, or <paramref name="fallback"/> when it is absent or null.</summary>
    /// <exception cref="TaskParamException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public T? Param<T>(string name, T? fallback = default)
    {
        if (!Params.TryGetPropertyValue(name, out var node) || node is null)
        {
            return fallback;
        }

        try
        {
            return node.Deserialize<T>(OutcomeJson.Options);
        }
        catch (JsonException ex)
        {
            throw new TaskParamException($"task_params.{name} of step '{StepKey}' must be a {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a required param.</summary>
    /// <exception cref="TaskParamException">The param is missing or of the wrong type.</exception>
    public T RequiredParam<T>(string name) =>
        Param<T>(name) ?? throw new TaskParamException($"task_params.{name} is required by step '{StepKey}' ({TaskType})");
}
