namespace FlowMachine.Scheduling;

/// <summary>
/// Which slots start, by the catch-up and overlap policies. Slots later than the misfire threshold are only
/// late and all fire; older ones were missed (downtime) and follow the catch-up policy.
/// </summary>
internal static class SlotPlanner
{
    /// <summary>The due slots that fire at <paramref name="now"/>, oldest first.</summary>
    public static List<DateTimeOffset> CatchUp(IReadOnlyList<DateTimeOffset> due, DateTimeOffset now, TimeSpan misfireThreshold, ScheduleCatchup? catchup)
    {
        var missed = due.Where(s => s < now - misfireThreshold).ToList();
        var late = due.Where(s => s >= now - misfireThreshold);
        var fired = catchup is null
            ? missed.Count > 0 ? [missed[^1]] : []
            : missed.Where(s => s >= now - catchup.Window).TakeLast(catchup.Max).ToList();
        fired.AddRange(late);
        return fired;
    }

    /// <summary>
    /// Applies the overlap policy to the slots of one firing (oldest first), given whether the flow started
    /// before this firing still runs and the slot already waiting. The policy looks at that previous flow: the
    /// slots of one firing (late ones after an outage, a catch-up window, a backfill) all start or all wait
    /// together, except that <c>cancel</c> starts only the newest of them.
    /// </summary>
    public static SlotDecision Decide(ScheduleOverlap overlap, IReadOnlyList<DateTimeOffset> slots, bool previousRunning, DateTimeOffset? buffered)
    {
        var starts = new List<DateTimeOffset>();
        if (buffered is { } waiting && !previousRunning)
        {
            starts.Add(waiting);
            buffered = null;
        }

        if (slots.Count == 0)
        {
            return new SlotDecision(starts, false, buffered, 0);
        }

        switch (overlap)
        {
            case ScheduleOverlap.Cancel:
                starts.Add(slots[^1]);
                return new SlotDecision(starts, previousRunning, buffered, slots.Count - 1);
            case ScheduleOverlap.Skip when previousRunning:
                return new SlotDecision(starts, false, buffered, slots.Count);
            case ScheduleOverlap.Buffer when previousRunning:
                var skipped = buffered is null ? slots.Count - 1 : slots.Count;
                return new SlotDecision(starts, false, buffered ?? slots[0], skipped);
            default:
                starts.AddRange(slots);
                return new SlotDecision(starts, false, buffered, 0);
        }
    }
}
