using System.Text.Json.Nodes;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Failed attempts: the retry policy and backoff, fail-fast, and timeouts.
internal sealed partial class FlowRun
{
    /// <summary>A failed attempt: retried per policy, else the step fails (and with fail_fast the flow).</summary>
    public void ApplyFailure(int index, string error, string? detail, bool permanent, DateTimeOffset now)
    {
        var step = Edit(index);
        step.Error = error;
        step.ErrorDetail = detail;
        var retry = RetryOf(index);
        if (!permanent && step.Attempts < retry.MaxAttempts)
        {
            SetState(index, StepState.Pending);
            step.NotBefore = now + retry.DelayBefore(step.Attempts + 1);
            step.FinishedAt = now;
            ready.Add(index);
            Record(now, HistoryKinds.StepRetry, step.Key, new JsonObject
            {
                ["attempt"] = step.Attempts,
                ["error"] = error,
                ["next_at"] = step.NotBefore,
            });
            return;
        }

        SetState(index, StepState.Failed);
        step.FinishedAt = now;
        ClearWait(step);
        Record(now, HistoryKinds.StepFailed, step.Key, new JsonObject { ["attempts"] = step.Attempts, ["error"] = error });
        if (Plan.Spec.Cfg.FailFast)
        {
            End(FlowState.Failed, now, error: FailureText(step), result: null);
        }
        else
        {
            Settle(index, now);
        }
    }

    private static string FailureText(StepRecord step) =>
        $"step '{step.Key}' ({step.TaskType}) failed after {step.Attempts} attempt(s): {step.Error}";

    /// <summary>The retry policy of a step: its own, else the flow's, else the task type's default.</summary>
    public RetrySpec RetryOf(int index)
    {
        var spec = Plan.Steps[index];
        if (spec.Retry is { } own)
        {
            return own;
        }

        if (Plan.Spec.Cfg.Retry is { } flowWide)
        {
            return flowWide;
        }

        return catalog.TryGet(spec.TaskType, out var info) && info.MaxAttempts > 0
            ? new RetrySpec { MaxAttempts = info.MaxAttempts }
            : DefaultRetry;
    }

    private static readonly RetrySpec DefaultRetry = new();

    /// <summary>The timeout of one attempt, or null.</summary>
    /// <summary>How long the step's task may go without a heartbeat (its <c>heartbeat_timeout</c>, else the flow's); null: no limit.</summary>
    public TimeSpan? HeartbeatTimeoutOf(int index) =>
        Plan.HasHeartbeatTimeout && (Plan.Steps[index].HeartbeatTimeoutSeconds ?? Plan.Spec.Cfg.HeartbeatTimeoutSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public TimeSpan? TimeoutOf(int index, TaskTypeInfo? info)
    {
        var seconds = Plan.Steps[index].TimeoutSeconds ?? Plan.Spec.Cfg.TimeoutSeconds ?? (info?.TimeoutSeconds > 0 ? info.TimeoutSeconds : null);
        return seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : null;
    }
}
