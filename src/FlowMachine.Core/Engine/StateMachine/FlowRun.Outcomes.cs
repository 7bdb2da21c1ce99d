using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Outcomes of finished attempts: results, waits, spawns, kill and done; completing and skipping steps.
internal sealed partial class FlowRun
{
    /// <summary>True when the execution still belongs to the step (it was not cancelled, skipped or reset meanwhile).</summary>
    public bool Accepts(in StepExecution execution) =>
        IsActive && Steps[execution.Index].State == StepState.Running && Steps[execution.Index].Attempts == execution.Attempt;

    public void ApplyResult(int index, ResultOutcome outcome, DateTimeOffset now)
    {
        if (outcome.ChosenSuccessors is { } chosen)
        {
            var successors = Plan.Successors[index].Select(s => Steps[s].Key).ToHashSet(StringComparer.Ordinal);
            var stray = chosen.Where(c => !successors.Contains(c)).ToArray();
            if (stray.Length > 0)
            {
                ApplyFailure(index, $"chose '{string.Join("', '", stray)}', which does not follow step '{Steps[index].Key}' (its successors: {string.Join(", ", successors)})", null, permanent: true, now);
                return;
            }
        }

        ApplyChanges(outcome);
        Complete(index, outcome.Value, now, HistoryKinds.StepCompleted, null);
        if (outcome.ChosenSuccessors is { } picks)
        {
            foreach (var next in Plan.Successors[index])
            {
                if (!picks.Contains(Steps[next].Key) && Steps[next].State == StepState.Pending)
                {
                    Skip(next, now, $"skipped: not chosen by '{Steps[index].Key}'");
                    Settle(next, now);
                }
            }
        }

        Settle(index, now);
    }

    public void ApplyWait(int index, WaitOutcome outcome, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        var step = Edit(index);
        SetState(index, StepState.Waiting);
        step.WaitReason = outcome.Reason;
        step.WaitEvent = outcome.EventName;
        step.WaitKey = outcome.EventName is null ? null : outcome.EventKey;
        step.WaitUntil = outcome.Until;
        step.ResumeToken = NewToken();
        BeginKeyedWait(index, outcome.EventName is null ? null : outcome.EventKey);
        var detail = new JsonObject { ["reason"] = outcome.Reason };
        if (outcome.EventName is not null)
        {
            detail["event"] = outcome.EventName;
            if (outcome.EventKey is { } key)
            {
                detail["key"] = key;
            }
        }

        if (outcome.Until is { } until)
        {
            detail["until"] = until;
        }

        Record(now, HistoryKinds.StepWaiting, step.Key, detail);
        ApplyEvents(now);
    }

    /// <summary>The step handed work to child flows and waits for them.</summary>
    public void ApplySpawn(int index, SpawnOutcome outcome, IReadOnlyList<NewFlow> children, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        var step = Edit(index);
        SetState(index, StepState.Waiting);
        step.WaitReason = children.Count == 1
            ? $"waiting for spawned {Describe(outcome.Children[0])}"
            : $"waiting for {children.Count} spawned children";
        step.WaitEvent = null;
        step.WaitKey = null;
        step.WaitUntil = null;
        step.ResumeToken = NewToken();
        var ids = new JsonArray([.. children.Select(c => (JsonNode)JsonValue.Create(c.Flow.Id))]);
        step.Spawn = new JsonObject
        {
            ["collect"] = outcome.Collect,
            ["children"] = ids,
            ["results"] = new JsonArray([.. children.Select(_ => (JsonNode?)null)]),
            ["done"] = new JsonArray([.. children.Select(_ => (JsonNode)JsonValue.Create(false))]),
        };
        newFlows.AddRange(children);
        Record(now, HistoryKinds.StepSpawned, step.Key, new JsonObject { ["children"] = ids.DeepClone() });
    }

    private static string Describe(SpawnRequest request) =>
        request.TaskType is not null ? $"task {request.TaskType}" : request.Routine is not null ? $"routine {request.Routine}" : "flow";

    /// <summary>The spawn completed with no children (an empty spread).</summary>
    public void ApplyEmptySpawn(int index, SpawnOutcome outcome, DateTimeOffset now) =>
        ApplyResult(index, new ResultOutcome(outcome.Collect ? new JsonArray() : null, null) { DataChanges = outcome.DataChanges, ParamChanges = outcome.ParamChanges }, now);

    public void ApplyKill(int index, KillOutcome outcome, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        Complete(index, null, now, HistoryKinds.StepCompleted, null);
        End(FlowState.Killed, now, error: outcome.Reason, result: null);
    }

    public void ApplyDone(int index, DoneOutcome outcome, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        Complete(index, outcome.Value, now, HistoryKinds.StepCompleted, null);
        End(FlowState.Completed, now, error: null, result: outcome.Value?.DeepClone());
    }

    private void ApplyChanges(Outcome outcome)
    {
        if (outcome.DataChanges is { Count: > 0 } data)
        {
            // Copy on write: tasks running in parallel keep reading the data they were given.
            var copy = (JsonObject)Flow.Data.DeepClone();
            foreach (var (key, value) in data)
            {
                copy[key] = value?.DeepClone();
            }

            Flow.Data = copy;
            dataChanged = true;
        }

        if (outcome.ParamChanges is { Count: > 0 } changes)
        {
            foreach (var (key, values) in changes)
            {
                if (!Plan.IndexOf.TryGetValue(key, out var target))
                {
                    continue; // wire validates its targets; a stray key changes nothing
                }

                var step = Edit(target);
                var merged = step.ParamOverrides is null ? new JsonObject() : (JsonObject)step.ParamOverrides.DeepClone();
                foreach (var (name, value) in values)
                {
                    merged[name] = value?.DeepClone();
                }

                step.ParamOverrides = merged;
                dirty.Add(target);
            }
        }
    }

    private void Complete(int index, JsonNode? value, DateTimeOffset now, string kind, JsonObject? detail)
    {
        var step = Edit(index);
        step.Result = value;
        SetState(index, StepState.Completed);
        step.FinishedAt = now;
        step.Error = null;
        step.ErrorDetail = null;
        ClearWait(step);
        if (kind == HistoryKinds.StepCompleted)
        {
            // The attempt is in the step.started event; a plain completion needs no detail.
            Record(now, kind, step.Key, detail);
            return;
        }

        Record(now, kind, step.Key, detail);
        Record(now, HistoryKinds.StepCompleted, step.Key, null);
    }

    private void ClearWait(StepRecord step)
    {
        EndNamedWait(step.Index, step);
        step.WaitReason = null;
        step.WaitEvent = null;
        step.WaitKey = null;
        step.WaitUntil = null;
        step.ResumeToken = null;
        step.Spawn = null;
    }

    private void Skip(int index, DateTimeOffset now, string why)
    {
        var step = Edit(index);
        if (step.State == StepState.Running)
        {
            cancelRequests.Add(index);
        }

        SetState(index, StepState.Skipped);
        step.FinishedAt = now;
        step.Error = why;
        ClearWait(step);
    }
}
