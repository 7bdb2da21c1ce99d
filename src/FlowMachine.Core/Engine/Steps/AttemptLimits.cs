namespace FlowMachine.Engine;

/// <summary>What bounds one attempt: its timeout and its heartbeat timeout (null: none).</summary>
internal readonly record struct AttemptLimits(TimeSpan? Timeout, TimeSpan? HeartbeatTimeout)
{
    /// <summary>True when the attempt needs a timer, and so the awaited path.</summary>
    public bool Any => Timeout is not null || HeartbeatTimeout is not null;
}
