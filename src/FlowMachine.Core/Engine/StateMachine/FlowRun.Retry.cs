using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Retrying an ended flow by hand, and steps whose worker was lost while running them.
internal sealed partial class FlowRun
{
    // Steps found RUNNING at the claim whose worker was lost (not handed back by a stopping worker).
    private readonly List<int> lost = [];

    /// <summary>True when the flow ended in a way a retry goes on from: FAILED, KILLED or CANCELLED.</summary>
    public static bool CanRetry(FlowState state) => state is FlowState.Failed or FlowState.Killed or FlowState.Cancelled;

    /// <summary>
    /// Goes on from where an ended flow stopped: failed steps and the steps skipped because the flow ended or
    /// because a way in failed become pending again; completed steps keep their results and never run again;
    /// attempts go on counting; the count of lost workers starts again. History records who retried it.
    /// </summary>
    public void Retry(string? actor, DateTimeOffset now)
    {
        var revived = new List<int>();
        var before = new Dictionary<int, StepRecord>();
        for (var i = 0; i < Steps.Length; i++)
        {
            if (!IsRetried(Steps[i]))
            {
                continue;
            }

            before[i] = Steps[i].ShallowCopy();
            var step = Edit(i);
            step.State = StepState.Pending;
            step.Error = null;
            step.ErrorDetail = null;
            step.FinishedAt = null;
            step.NotBefore = null;
            step.Recoveries = 0;
            ClearWait(step);
            dirty.Add(i);
            revived.Add(i);
        }

        // A step skipped for want of a way in stays skipped when its ways in are still all skipped (a branch no switch chose).
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var i in revived)
            {
                if (Steps[i].State == StepState.Pending && GateOf(i) == Gate.Skip)
                {
                    Steps[i] = before[i];
                    shared[i] = false;
                    revived.Remove(i);
                    changed = true;
                    break;
                }
            }
        }

        foreach (var i in revived)
        {
            ReadyFrom(i, now);
        }

        Flow.State = FlowState.Running;
        Flow.Deadline = DeadlineFrom(Plan.Spec, now); // a retried flow gets its whole cfg.deadline again
        Flow.Error = null;
        Flow.Result = null;
        Flow.WaitReason = null;
        Record(now, HistoryKinds.FlowRetried, null, new JsonObject
        {
            ["actor"] = actor,
            ["steps"] = new JsonArray([.. revived.Select(i => (JsonNode)JsonValue.Create(Steps[i].Key))]),
        });
        Recount();
    }

    private static bool IsRetried(StepRecord step) => step.State switch
    {
        StepState.Failed => true,
        StepState.Skipped => step.Error is { } why
            && (why.StartsWith("skipped: the flow failed", StringComparison.Ordinal)
                || why.StartsWith("skipped: the flow was", StringComparison.Ordinal)
                || why.StartsWith("skipped: no way in", StringComparison.Ordinal)),
        // An ended flow has no unfinished step; a store written by hand might.
        StepState.Pending or StepState.Running or StepState.Waiting => true,
        _ => false,
    };

    /// <summary>
    /// Counts a loss for every step whose worker was lost while running it; a step lost more than
    /// <paramref name="maxRecoveries"/> times fails instead of running again.
    /// </summary>
    public void RecoverLost(int maxRecoveries, DateTimeOffset now)
    {
        foreach (var i in lost)
        {
            var step = Edit(i);
            step.Recoveries++;
            dirty.Add(i);
            Record(now, HistoryKinds.StepRecovered, step.Key, new JsonObject { ["attempt"] = step.Attempts, ["recoveries"] = step.Recoveries });
            if (step.Recoveries > maxRecoveries && IsActive && step.State == StepState.Pending)
            {
                ApplyFailure(i, $"the worker running this step was lost {step.Recoveries} times", null, permanent: true, now);
            }
            else
            {
                ReadyFrom(i, now);
            }
        }

        lost.Clear();
    }

    /// <summary>
    /// A stopping worker hands its steps in flight back: they stay RUNNING for the next worker, marked
    /// (finished at the hand-back) so that they do not count as lost.
    /// </summary>
    public void HandBack(DateTimeOffset now)
    {
        for (var i = 0; i < Steps.Length; i++)
        {
            if (Steps[i].State == StepState.Running)
            {
                Edit(i).FinishedAt = now;
                dirty.Add(i);
            }
        }
    }
}
