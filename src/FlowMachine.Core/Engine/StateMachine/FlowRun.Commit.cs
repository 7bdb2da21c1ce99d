using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Commit: the flow's derived state and everything changed since the last flush, as one transition.
internal sealed partial class FlowRun
{
    /// <summary>
    /// Settles the flow's state, position and next run time from its steps and hands out everything
    /// changed since the last flush as one transition.
    /// </summary>
    public FlowTransition Flush(string owner, DateTimeOffset now, bool release)
    {
        if (IsActive)
        {
            DeriveState(now);
        }

        AdvancePosition();
        Flow.UpdatedAt = now;
        if (Flow.State.IsTerminal())
        {
            Flow.NextRunAt = null;
        }

        Flow.Route = release ? ForeignRoute(now) : null;
        Flow.RouteDeadline = Flow.Route is null ? null : FirstStartDeadline();

        var transition = new FlowTransition
        {
            LeaseOwner = owner,
            Flow = Flow,
            DataChanged = dataChanged,
            Attributes = TakeAttributes(),
            StateChanged = Flow.State != storedState,
            Release = release,
            Steps = DirtySteps(),
            History = Snapshot(history),
            ConsumedCommands = Snapshot(consumedCommands),
            ConsumedEvents = Snapshot(consumedEvents),
            NewFlows = Snapshot(newFlows),
            Commands = Snapshot(outgoing),
            KnownEventId = knownEventId,
            EndedKeyedWaits = TakeEndedWaits(),
            KeyedWaits = TakeKeyedWaits(),
        };
        dirty.Clear();
        history.Clear();
        consumedCommands.Clear();
        consumedEvents.Clear();
        newFlows.Clear();
        outgoing.Clear();
        dataChanged = false;
        storedState = Flow.State;
        return transition;
    }

    private static T[] Snapshot<T>(List<T> list) => list.Count == 0 ? [] : [.. list];

    private StepRecord[] DirtySteps()
    {
        if (dirty.Count == 0)
        {
            return [];
        }

        var indexes = dirty.Count <= 64 ? stackalloc int[dirty.Count] : new int[dirty.Count];
        var n = 0;
        foreach (var i in dirty)
        {
            indexes[n++] = i;
        }

        // Most commits hold two steps (the one that finished, the next one started): no general sort for those.
        if (indexes.Length == 2)
        {
            if (indexes[0] > indexes[1])
            {
                (indexes[0], indexes[1]) = (indexes[1], indexes[0]);
            }
        }
        else
        {
            indexes.Sort();
        }

        var rows = new StepRecord[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            rows[i] = Steps[indexes[i]];
            shared[indexes[i]] = true;
        }

        return rows;
    }

    private void DeriveState(DateTimeOffset now)
    {
        if (finishedCount == Steps.Length)
        {
            var failed = Steps.Where(s => s.State == StepState.Failed).ToList();
            if (failed.Count > 0)
            {
                End(FlowState.Failed, now, string.Join("\n", failed.Select(FailureText)), null);
            }
            else
            {
                End(FlowState.Completed, now, null, SinkResult());
            }

            return;
        }

        DateTimeOffset? next = null;
        var readyNow = false;
        foreach (var i in ready)
        {
            var at = Steps[i].NotBefore;
            if (at is null || at <= now)
            {
                readyNow = true;
                break;
            }

            next = Min(next, at);
        }

        if (!readyNow)
        {
            next = Min(next, FirstStartDeadline()); // due when a step waiting for a slot or a token runs out of time
        }

        if (runningCount > 0 || readyNow)
        {
            Flow.State = FlowState.Running;
            Flow.WaitReason = null;

            // Due already (it was, to be claimed): keep the value, so a step does not move the flow in the
            // due index (a write to the index per step otherwise). Another worker may take it over once the lease ends.
            if (Flow.NextRunAt is not { } due || due > now)
            {
                Flow.NextRunAt = now;
            }

            return;
        }

        int? firstWait = null;
        int? firstSpawn = null;
        foreach (var i in waiting)
        {
            var step = Steps[i];
            next = Min(next, step.WaitUntil);
            if (step.Spawn is null)
            {
                firstWait ??= i;
            }
            else
            {
                firstSpawn ??= i;
            }
        }

        Flow.NextRunAt = Min(next, Flow.Deadline); // a waiting flow is due at its deadline, to fail then
        if (firstWait is { } w)
        {
            Flow.State = FlowState.Waiting;
            Flow.WaitReason = Steps[w].WaitReason;
        }
        else if (firstSpawn is { } s)
        {
            Flow.State = FlowState.Spawned;
            Flow.WaitReason = Steps[s].WaitReason;
        }
        else if (ready.Count > 0)
        {
            Flow.State = FlowState.Running; // a retry is due later, or a step waits for a slot or a token
            Flow.WaitReason = FirstReadyReason();
        }
        else
        {
            End(FlowState.Failed, now, "no step can run: the flow's steps are blocked (this is a bug in FlowMachine; please report it)", null);
        }
    }

    private string? FirstReadyReason()
    {
        foreach (var i in ready)
        {
            if (Steps[i].WaitReason is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    private JsonNode? SinkResult()
    {
        var completed = Plan.Sinks.Where(i => Steps[i].State == StepState.Completed).ToArray();
        if (completed.Length == 1 && Plan.Sinks.Length == 1)
        {
            return Steps[completed[0]].Result?.DeepClone();
        }

        var result = new JsonObject();
        foreach (var i in completed)
        {
            result[Steps[i].Key] = Steps[i].Result?.DeepClone();
        }

        return result;
    }
}
