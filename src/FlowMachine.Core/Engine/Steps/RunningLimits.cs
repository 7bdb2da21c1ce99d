using FlowMachine.Scheduling;

namespace FlowMachine.Engine;

/// <summary>The timers of an attempt in flight: which one cancelled it tells the error.</summary>
internal readonly record struct RunningLimits(AttemptLimits Limits, CancellationTokenSource? Timer, CancellationTokenSource? Watchdog, string StepKey)
{
    /// <summary>The failed attempt of a task that sent no heartbeat in time: retried per the step's retry policy.</summary>
    public StepExecution Silent(int index, int attempt) =>
        new(index, attempt, Outcome.Fail($"step '{StepKey}' sent no heartbeat for {Durations.Format(Limits.HeartbeatTimeout!.Value)} (heartbeat_timeout)"), false, false);
}
