using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Waits for an event by correlation key: the store indexes them by (event, key) with the commit that makes the
// step wait, and drops them with the commit that ends the wait.
internal sealed partial class FlowRun
{
    private readonly Dictionary<int, string> keyedWaits = [];
    private readonly HashSet<string> endedWaits = new(StringComparer.Ordinal);

    private void BeginKeyedWait(int index, string? key)
    {
        if (key is null)
        {
            keyedWaits.Remove(index);
        }
        else
        {
            keyedWaits[index] = key;
        }
    }

    /// <summary>A step that waited for a named event stops waiting: its keyed wait, if it had one, ends.</summary>
    private void EndNamedWait(int index, StepRecord step)
    {
        if (step.WaitEvent is not null)
        {
            endedWaits.Add(step.Key);
            keyedWaits.Remove(index);
        }
    }

    /// <summary>The keyed waits begun since the last flush by steps that still wait.</summary>
    private KeyedWait[] TakeKeyedWaits()
    {
        if (keyedWaits.Count == 0)
        {
            return [];
        }

        var begun = keyedWaits
            .Where(w => Steps[w.Key] is { State: StepState.Waiting, WaitEvent: { } name } && name.Length > 0)
            .Select(w => new KeyedWait(Steps[w.Key].Key, Steps[w.Key].WaitEvent!, w.Value))
            .ToArray();
        keyedWaits.Clear();
        return begun;
    }

    private string[] TakeEndedWaits()
    {
        if (endedWaits.Count == 0)
        {
            return [];
        }

        var ended = endedWaits.ToArray();
        endedWaits.Clear();
        return ended;
    }
}
