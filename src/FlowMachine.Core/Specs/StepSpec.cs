using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

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

    /// <summary>
    /// How long, in seconds, the step may wait to be started once it is ready (<c>schedule_to_start</c>); past that it
    /// fails for good. Null: the flow's <c>cfg.schedule_to_start</c>, else no limit.
    /// </summary>
    public double? ScheduleToStartSeconds { get; init; }

    /// <summary>
    /// How long, in seconds, the step's task may go without a heartbeat or progress report (<c>heartbeat_timeout</c>) before
    /// the worker cancels it and the attempt fails. Null: the flow's <c>cfg.heartbeat_timeout</c>, else no limit.
    /// </summary>
    public double? HeartbeatTimeoutSeconds { get; init; }

    /// <summary>The queue the step runs on (null: the task type's default queue, else <c>default</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>This step's concurrency limit (null: the flow's <c>cfg.concurrency</c>, if any).</summary>
    public ConcurrencySpec? Concurrency { get; init; }

    /// <summary>This step's rate limit (null: the flow's <c>cfg.rate</c>, if any).</summary>
    public RateSpec? Rate { get; init; }
}
