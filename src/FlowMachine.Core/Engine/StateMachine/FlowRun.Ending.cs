using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Ending the flow: unfinished steps skipped, children cancelled, the parent told.
internal sealed partial class FlowRun
{
    /// <summary>Ends the flow: every unfinished step is skipped, running ones cancelled, children cancelled, the parent told.</summary>
    private void End(FlowState state, DateTimeOffset now, string? error, JsonNode? result, string? skipReason = null)
    {
        var why = skipReason ?? state switch
        {
            FlowState.Completed => "skipped: the flow completed early",
            FlowState.Killed => "skipped: the flow was killed",
            FlowState.Cancelled => "skipped: the flow was cancelled",
            _ => "skipped: the flow failed",
        };
        var skipped = 0;
        for (var i = 0; i < Steps.Length && finishedCount < Steps.Length; i++)
        {
            var step = Edit(i);
            if (step.State.IsFinished())
            {
                continue;
            }

            CancelChildren(step);
            Skip(i, now, why);
            skipped++;
        }

        ready.Clear();
        Flow.State = state;
        Flow.Error = error;
        Flow.Result = result;
        Flow.WaitReason = null;
        Flow.NextRunAt = null;
        var detail = new JsonObject();
        if (error is not null)
        {
            detail["error"] = error;
        }

        if (skipped > 0)
        {
            detail["skipped"] = skipped;
        }

        Record(now, state switch
        {
            FlowState.Completed => HistoryKinds.FlowCompleted,
            FlowState.Killed => HistoryKinds.FlowKilled,
            FlowState.Cancelled => HistoryKinds.FlowCancelled,
            _ => HistoryKinds.FlowFailed,
        }, null, detail);

        if (Flow.ParentFlowId is { } parent && Flow.ParentStepKey is { } parentStep)
        {
            outgoing.Add(new OutgoingCommand(parent, FlowCommand.ChildFinished, parentStep, new JsonObject
            {
                ["child"] = Flow.Id,
                ["index"] = Flow.ParentChildIndex,
                ["state"] = state.ToName(),
                ["result"] = result?.DeepClone(),
                ["error"] = error,
            }));
        }
    }

    private void CancelChildren(StepRecord step)
    {
        if (step.Spawn?["children"] is not JsonArray children)
        {
            return;
        }

        var done = step.Spawn["done"] as JsonArray;
        for (var c = 0; c < children.Count; c++)
        {
            if (done?[c]?.GetValue<bool>() == true)
            {
                continue;
            }

            outgoing.Add(new OutgoingCommand(children[c]!.GetValue<string>(), FlowCommand.Cancel, null, new JsonObject { ["reason"] = $"parent flow {Flow.Id} ended" }));
        }
    }

    public void Cancel(string? reason, DateTimeOffset now) => End(FlowState.Cancelled, now, error: reason ?? "cancelled", result: null);
}
