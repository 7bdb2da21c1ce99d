using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

// Flow control: a step refused a concurrency slot or a rate token goes back to wait, as if never started.
internal sealed partial class FlowRun
{
    /// <summary>The wait reason of a step refused a concurrency slot starts with this.</summary>
    public const string SlotWaitPrefix = "waiting for a concurrency slot";

    /// <summary>
    /// Undoes the start of step <paramref name="index"/> (it was refused a slot or a token): PENDING again, due at
    /// <paramref name="until"/>, with <paramref name="reason"/> as its wait reason. Its start leaves the history
    /// when not committed yet; a committed one is followed by a <see cref="HistoryKinds.StepHeld"/> event.
    /// </summary>
    public void Defer(int index, DateTimeOffset now, DateTimeOffset until, string reason)
    {
        var step = Edit(index);
        SetState(index, StepState.Pending);
        step.Attempts--;
        step.StartedAt = null;
        step.NotBefore = until;
        step.WaitReason = reason;
        ready.Add(index);
        for (var h = history.Count - 1; h >= 0; h--)
        {
            if (history[h].Kind == HistoryKinds.StepStarted && history[h].StepKey == step.Key)
            {
                // Not committed yet: later events of this round move up, so sequence numbers stay without gaps.
                history.RemoveAt(h);
                for (var j = h; j < history.Count; j++)
                {
                    history[j] = history[j] with { Seq = history[j].Seq - 1 };
                }

                seq--;
                return;
            }
        }

        Record(now, HistoryKinds.StepHeld, step.Key, new JsonObject { ["reason"] = reason });
    }

    /// <summary>Steps waiting for a concurrency slot ask again now: the flow was claimed, so a slot may have freed.</summary>
    public void RetrySlotWaits()
    {
        foreach (var i in ready)
        {
            var step = Steps[i];
            if (step.NotBefore is not null && step.WaitReason is { } reason && reason.StartsWith(SlotWaitPrefix, StringComparison.Ordinal))
            {
                Edit(i).NotBefore = null;
                dirty.Add(i);
            }
        }
    }
}
