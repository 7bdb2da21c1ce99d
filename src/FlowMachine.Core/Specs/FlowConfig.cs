namespace FlowMachine.Specs;

/// <summary>The <c>cfg</c> block of a spec.</summary>
public sealed record FlowConfig
{
    /// <summary>When true (the default) the first failed step fails the flow and cancels running siblings.</summary>
    public bool FailFast { get; init; } = true;

    /// <summary>The retry policy for steps that give none.</summary>
    public RetrySpec? Retry { get; init; }

    /// <summary>Timeout in seconds for one attempt of steps that give none (null = none).</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>How long, in seconds, a ready step that gives none may wait to be started (<c>cfg.schedule_to_start</c>); null = no limit.</summary>
    public double? ScheduleToStartSeconds { get; init; }

    /// <summary>
    /// How long, in seconds, a flow may take from its start (or its last retry) before it fails with "deadline exceeded"
    /// (<c>cfg.deadline</c>); null = no deadline.
    /// </summary>
    public double? DeadlineSeconds { get; init; }

    /// <summary>How long, in seconds, the task of a step that gives none may go without a heartbeat (<c>cfg.heartbeat_timeout</c>); null = no limit.</summary>
    public double? HeartbeatTimeoutSeconds { get; init; }

    /// <summary>Tags every flow of the spec gets, besides those its start gives (<c>cfg.tags</c>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The priority every flow of the spec gets unless its start gives one (<c>cfg.priority</c>); null when not set.</summary>
    public int? Priority { get; init; }

    /// <summary>The concurrency limit of steps that give none (<c>cfg.concurrency</c>).</summary>
    public ConcurrencySpec? Concurrency { get; init; }

    /// <summary>The rate limit of steps that give none (<c>cfg.rate</c>).</summary>
    public RateSpec? Rate { get; init; }
}
