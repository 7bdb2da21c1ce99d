using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Input from outside: pushes, checks, finished children, named events and timers.
internal sealed partial class FlowRun
{
    /// <summary>The waiting step a command targets: the named one, or the first waiting step.</summary>
    public int? FindWaiting(string? stepKey)
    {
        if (stepKey is not null)
        {
            return Plan.IndexOf.TryGetValue(stepKey, out var i) && Steps[i].State == StepState.Waiting ? i : null;
        }

        return waiting.Count > 0 ? waiting.Min : null;
    }

    /// <summary>Commands that ran: consumed with the next commit.</summary>
    public void Consume(FlowCommand command) => consumedCommands.Add(command.Id);

    public void Ignore(FlowCommand command, DateTimeOffset now, string why)
    {
        Record(now, HistoryKinds.CommandIgnored, command.StepKey, new JsonObject { ["command"] = command.Kind, ["why"] = why });
    }

    /// <summary>A push: the value becomes the waiting step's result and the flow goes on.</summary>
    public void Push(int index, JsonNode? value, string? actor, DateTimeOffset now)
    {
        CancelChildren(Steps[index]);
        Complete(index, value?.DeepClone(), now, HistoryKinds.StepPushed, new JsonObject { ["actor"] = actor });
        Settle(index, now);
    }

    /// <summary>A successful check on resubmit.</summary>
    public void CheckPassed(int index, JsonNode? value, DateTimeOffset now)
    {
        Complete(index, value, now, HistoryKinds.StepChecked, null);
        Settle(index, now);
    }

    public void CheckNotReady(int index, string? reason, DateTimeOffset now) =>
        Record(now, HistoryKinds.CheckNotReady, Steps[index].Key, new JsonObject { ["reason"] = reason ?? "not ready" });

    /// <summary>A step failed for a reason outside its task (a check that threw, a child that failed).</summary>
    public void FailWaiting(int index, string error, DateTimeOffset now)
    {
        var step = Edit(index);
        CancelChildren(step);
        SetState(index, StepState.Running); // the attempt that spawned is the one that fails
        ApplyFailure(index, error, null, permanent: false, now);
    }

    /// <summary>A child flow ended: collect its result; the last one completes the step, a failure fails it.</summary>
    public void ChildFinished(FlowCommand command, DateTimeOffset now)
    {
        var payload = command.Payload as JsonObject;
        var childId = payload?["child"]?.GetValue<string>();
        var childIndex = payload?["index"]?.GetValue<int>() ?? 0;
        var index = command.StepKey is not null && Plan.IndexOf.TryGetValue(command.StepKey, out var i) ? i : -1;
        if (index < 0 || Steps[index].State != StepState.Waiting || Steps[index].Spawn is not { } spawn
            || spawn["children"] is not JsonArray children || childIndex >= children.Count
            || children[childIndex]?.GetValue<string>() != childId)
        {
            Ignore(command, now, $"step '{command.StepKey}' no longer waits for child {childId}");
            return;
        }

        var state = payload?["state"]?.GetValue<string>();
        Record(now, HistoryKinds.ChildFinished, command.StepKey, new JsonObject { ["child"] = childId, ["state"] = state });
        if (state != FlowState.Completed.ToName())
        {
            FailWaiting(index, $"child flow {childId} ended {state}: {payload?["error"]?.GetValue<string>()}", now);
            return;
        }

        // Copy on write: the committed spawn object belongs to the store now.
        spawn = (JsonObject)spawn.DeepClone();
        Edit(index).Spawn = spawn;
        var results = (JsonArray)spawn["results"]!;
        var done = (JsonArray)spawn["done"]!;
        results[childIndex] = payload?["result"]?.DeepClone();
        done[childIndex] = true;
        dirty.Add(index);
        if (done.All(d => d!.GetValue<bool>()))
        {
            var value = spawn["collect"]!.GetValue<bool>() ? results.DeepClone() : results[0]?.DeepClone();
            Complete(index, value, now, HistoryKinds.StepCompleted, null);
            Settle(index, now);
        }
    }

    /// <summary>Named events in the inbox resume the steps that wait for them.</summary>
    public void ApplyEvents(DateTimeOffset now)
    {
        if (inbox.Count == 0 || waiting.Count == 0)
        {
            return;
        }

        foreach (var index in waiting.ToArray())
        {
            var step = Steps[index]; // read only: Complete edits
            if (step.WaitEvent is not { } name)
            {
                continue;
            }

            // An event raised by key resumes only a step that waits for its name with that key.
            var match = inbox.FindIndex(e => e.Name == name && (e.Key is null || e.Key == step.WaitKey));
            if (match < 0)
            {
                continue;
            }

            var raised = inbox[match];
            inbox.RemoveAt(match);
            consumedEvents.Add(raised.Id);
            Complete(index, raised.Value?.DeepClone(), now, HistoryKinds.EventConsumed, new JsonObject { ["event"] = name });
            Settle(index, now);
        }
    }

    public void AddEvents(IEnumerable<FlowEvent> events)
    {
        foreach (var e in events)
        {
            if (!inbox.Exists(x => x.Id == e.Id) && !consumedEvents.Contains(e.Id))
            {
                inbox.Add(e);
            }

            knownEventId = Math.Max(knownEventId, e.Id);
        }
    }

    /// <summary>Waits whose time has come complete with a null result.</summary>
    public void ApplyTimers(DateTimeOffset now)
    {
        if (waiting.Count == 0)
        {
            return;
        }

        foreach (var index in waiting.ToArray())
        {
            if (Steps[index].WaitUntil is { } until && until <= now)
            {
                Complete(index, null, now, HistoryKinds.TimerFired, new JsonObject { ["until"] = until });
                Settle(index, now);
            }
        }
    }
}
