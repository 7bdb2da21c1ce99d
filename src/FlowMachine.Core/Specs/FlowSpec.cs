using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>A validated flow spec in the MissionControl format: label, key, cfg, data, tasks.</summary>
public sealed record FlowSpec
{
    /// <summary>A human-readable label.</summary>
    public string? Label { get; init; }

    /// <summary>An optional unique key: a second start with the same key returns the first flow.</summary>
    public string? Key { get; init; }

    /// <summary>How the flow runs.</summary>
    public FlowConfig Cfg { get; init; } = new();

    /// <summary>The flow's initial data.</summary>
    public JsonObject Data { get; init; } = [];

    /// <summary>The steps, in spec order. Precursors are resolved: a step without explicit precursors follows the one before it.</summary>
    public IReadOnlyList<StepSpec> Tasks { get; init; } = [];
}

/// <summary>The <c>cfg</c> block of a spec.</summary>
public sealed record FlowConfig
{
    /// <summary>When true (the default) the first failed step fails the flow and cancels running siblings.</summary>
    public bool FailFast { get; init; } = true;

    /// <summary>The retry policy for steps that give none.</summary>
    public RetrySpec? Retry { get; init; }

    /// <summary>Timeout in seconds for one attempt of steps that give none (null = none).</summary>
    public double? TimeoutSeconds { get; init; }
}

/// <summary>One step of a spec.</summary>
public sealed record StepSpec
{
    /// <summary>The step's unique key.</summary>
    public required string Key { get; init; }

    /// <summary>The registered task type name.</summary>
    public required string TaskType { get; init; }

    /// <summary>The params, before interpolation.</summary>
    public JsonObject TaskParams { get; init; } = [];

    /// <summary>The keys of the steps that must complete first; empty for a step that follows ROOT.</summary>
    public IReadOnlyList<string> Precursors { get; init; } = [];

    /// <summary>This step's retry policy (null: the flow's, then the task type's default).</summary>
    public RetrySpec? Retry { get; init; }

    /// <summary>Timeout in seconds for one attempt (null: the flow's, then the task type's default).</summary>
    public double? TimeoutSeconds { get; init; }
}

/// <summary>How often and how late a failed step is tried again.</summary>
public sealed record RetrySpec
{
    /// <summary>Attempts in all, the first included; 1 means no retry.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Delay before the first retry, in seconds.</summary>
    public double DelaySeconds { get; init; } = 1;

    /// <summary>Each further delay is the previous one times this factor.</summary>
    public double Factor { get; init; } = 2;

    /// <summary>The longest delay, in seconds.</summary>
    public double MaxDelaySeconds { get; init; } = 300;

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var seconds = DelaySeconds * Math.Pow(Factor, Math.Max(0, nextAttempt - 2));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelaySeconds));
    }
}
