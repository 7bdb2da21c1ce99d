using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

// An operator's commands: reset and moving the position.
internal sealed partial class FlowRun
{
    /// <summary>Restarts from the first step: results, attempts and data cleared; history kept.</summary>
    public void Reset(string? actor, DateTimeOffset now)
    {
        for (var i = 0; i < Steps.Length; i++)
        {
            var step = Edit(i);
            if (step.State == StepState.Running)
            {
                cancelRequests.Add(i);
            }

            CancelChildren(step);
            step.State = StepState.Pending;
            step.Result = null;
            step.Error = null;
            step.ErrorDetail = null;
            step.Attempts = 0;
            step.StartedAt = null;
            step.FinishedAt = null;
            step.NotBefore = null;
            step.ParamOverrides = null;
            ClearWait(step);
            dirty.Add(i);
            ReadyFrom(i, now);
        }

        forced.Clear();
        Flow.Generation++;
        Flow.State = FlowState.Running;
        Flow.Error = null;
        Flow.Result = null;
        Flow.WaitReason = null;
        Flow.Position = 0;
        Flow.Data = (JsonObject)Plan.Spec.Data.DeepClone();
        dataChanged = true;
        Record(now, HistoryKinds.FlowReset, null, new JsonObject { ["actor"] = actor, ["generation"] = Flow.Generation });
        Recount();
    }

    /// <summary>
    /// Moves the linear position (an operator's force-step): unfinished steps before it are skipped,
    /// steps from it on are cleared, and the step at it runs next.
    /// </summary>
    public void MovePosition(int position, string? actor, DateTimeOffset now)
    {
        var wasTerminal = !IsActive;
        for (var i = 0; i < Steps.Length; i++)
        {
            var step = Edit(i);
            if (step.State == StepState.Running)
            {
                cancelRequests.Add(i);
            }

            if (i < position)
            {
                if (step.State != StepState.Completed && step.State != StepState.Skipped)
                {
                    CancelChildren(step);
                    step.State = StepState.Skipped;
                    step.Error = $"skipped: position moved to {position}";
                    step.FinishedAt = now;
                    ClearWait(step);
                    dirty.Add(i);
                }
            }
            else if (step.State != StepState.Pending || step.Result is not null)
            {
                CancelChildren(step);
                step.State = StepState.Pending;
                step.Result = null;
                step.Error = null;
                step.ErrorDetail = null;
                step.NotBefore = null;
                ClearWait(step);
                dirty.Add(i);
                ReadyFrom(i, now);
            }
        }

        forced.Clear();
        if (position < Steps.Length)
        {
            forced.Add(position);
        }

        if (wasTerminal || Flow.State.IsPaused())
        {
            Flow.Error = null;
            Flow.Result = null;
        }

        Flow.State = FlowState.Running;
        Flow.Position = position;
        Record(now, HistoryKinds.PositionMoved, null, new JsonObject { ["position"] = position, ["actor"] = actor });
        Recount();
    }
}
