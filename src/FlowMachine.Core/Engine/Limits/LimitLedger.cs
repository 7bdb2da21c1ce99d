using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The concurrency slots the steps of one run hold, and what the next commit must tell the store: slots to
/// release (with the step's result) and whether a step was just refused a slot.
/// </summary>
internal sealed class LimitLedger(LimitRule[][] rules)
{
    private readonly Dictionary<int, List<LimitSlot>> held = [];
    private readonly List<LimitSlot> releases = [];
    private Dictionary<int, string>? keyErrors;
    private string?[][]? buckets;
    private Dictionary<string, string>? inputBuckets;
    private bool waits;

    /// <summary>The rules of each step of the plan, by index.</summary>
    public LimitRule[][] Rules { get; } = rules;

    public bool HoldsAny => held.Count > 0;

    public void Hold(int index, List<LimitSlot> slots) => held[index] = slots;

    /// <summary>The bucket of rule <paramref name="rule"/> of step <paramref name="index"/> read before in this run, if it cannot change.</summary>
    public string? Bucket(int index, int rule) => Rules[index][rule].KeyPath is { } path
        ? inputBuckets is not null && inputBuckets.TryGetValue(path, out var read) ? read : null
        : buckets?[index]?[rule];

    /// <summary>
    /// Keeps the bucket for the rest of the run when it cannot change: a fixed one (for its step), or one read from the
    /// flow's input (for every step whose key has the same path: a routine's <c>cfg</c> limit gives each step the same one).
    /// The data and results may change between steps, so their keys are read each time.
    /// </summary>
    public string KeepBucket(int index, int rule, string bucket)
    {
        if (Rules[index][rule].KeyPath is not { } path)
        {
            buckets ??= new string?[Rules.Length][];
            (buckets[index] ??= new string?[Rules[index].Length])[rule] = bucket;
        }
        else if (path == "$input" || path.StartsWith("$input.", StringComparison.Ordinal) || path.StartsWith("$input[", StringComparison.Ordinal))
        {
            (inputBuckets ??= new(StringComparer.Ordinal))[path] = bucket;
        }

        return bucket;
    }

    public void Release(IEnumerable<LimitSlot> slots) => releases.AddRange(slots);

    public void Refused() => waits = true;

    public void KeyError(int index, string error) => (keyErrors ??= [])[index] = error;

    /// <summary>The error that keeps step <paramref name="index"/> from running (its limit key could not be read), once.</summary>
    public string? TakeKeyError(int index) => keyErrors is not null && keyErrors.Remove(index, out var error) ? error : null;

    /// <summary>The step finished (or went back unstarted): its slots go with the next commit.</summary>
    public void Finish(int index)
    {
        if (held.Remove(index, out var slots))
        {
            releases.AddRange(slots);
        }
    }

    /// <summary>Letting go of the flow with steps in flight: every slot goes with this commit.</summary>
    public void FinishAll()
    {
        foreach (var slots in held.Values)
        {
            releases.AddRange(slots);
        }

        held.Clear();
    }

    /// <summary>The transition with the slots to release and the refusal to recheck; the same one when there are none.</summary>
    public FlowTransition Attach(FlowTransition transition)
    {
        // A flow that ends frees whatever slot it still holds and stops waiting for any (a cancel while it waited).
        var ends = transition.StateChanged && transition.Flow.State.IsTerminal();
        if (releases.Count == 0 && !waits && !ends)
        {
            return transition;
        }

        var result = transition with { ReleasedSlots = releases.Count == 0 ? [] : [.. releases], WaitsForSlot = waits, EndsLimits = ends };
        releases.Clear();
        waits = false;
        return result;
    }
}
