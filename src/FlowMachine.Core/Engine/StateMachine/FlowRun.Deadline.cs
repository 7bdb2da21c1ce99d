using FlowMachine.Specs;

namespace FlowMachine.Engine;

// cfg.deadline: past it the flow fails with "deadline exceeded", its running steps cancelled, its waits ended.
internal sealed partial class FlowRun
{
    /// <summary>The error of a flow that failed at its deadline.</summary>
    public const string DeadlineExceeded = "deadline exceeded";

    /// <summary>The deadline of a flow of <paramref name="spec"/> that starts (or is retried) at <paramref name="start"/>; null: none.</summary>
    public static DateTimeOffset? DeadlineFrom(FlowSpec spec, DateTimeOffset start) =>
        spec.Cfg.DeadlineSeconds is { } seconds ? start + TimeSpan.FromSeconds(seconds) : null;

    /// <summary>
    /// Fails the flow when its deadline has passed at <paramref name="now"/>: unfinished steps are skipped, running
    /// ones cancelled (<see cref="TakeCancelRequests"/>), children cancelled as for any failed flow.
    /// </summary>
    public void ApplyDeadline(DateTimeOffset now)
    {
        if (Flow.Deadline is { } deadline && deadline <= now && IsActive)
        {
            End(FlowState.Failed, now, DeadlineExceeded, null, "skipped: the flow failed: " + DeadlineExceeded);
        }
    }
}
