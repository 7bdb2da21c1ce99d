namespace FlowMachine.Scheduling;

/// <summary>
/// Which slots start, by the catch-up and overlap policies. Slots later than the misfire threshold are only
/// late and all fire; older ones were missed (downtime) and follow the catch-up policy. Slots fired together
/// (after downtime, in a backfill) meet the overlap policy one after another, as if each fired in turn.
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

    /// <summary>Applies the overlap policy to <paramref name="slots"/> (oldest first), given whether the previous flow still runs and the slot already waiting.</summary>
    public static SlotDecision Decide(ScheduleOverlap overlap, IReadOnlyList<DateTimeOffset> slots, bool previousRunning, DateTimeOffset? buffered)
    {
        var starts = new List<DateTimeOffset>();
        var cancel = false;
        var skipped = 0;
        if (buffered is { } waiting && !previousRunning)
        {
            starts.Add(waiting);
            buffered = null;
            previousRunning = true;
        }

        foreach (var slot in slots)
        {
            switch (overlap)
            {
                case ScheduleOverlap.Allow:
                    starts.Add(slot);
                    break;
                case ScheduleOverlap.Cancel:
                    // Flows of this same firing would be cancelled at once: only the newest slot starts.
                    cancel |= previousRunning && starts.Count == 0;
                    skipped += starts.Count;
                    starts.Clear();
                    starts.Add(slot);
                    previousRunning = true;
                    break;
                case ScheduleOverlap.Buffer when previousRunning:
                    if (buffered is null)
                    {
                        buffered = slot;
                    }
                    else
                    {
                        skipped++;
                    }

                    break;
                case ScheduleOverlap.Skip when previousRunning:
                    skipped++;
                    break;
                default:
                    starts.Add(slot);
                    previousRunning = true;
                    break;
            }
        }

        return new SlotDecision(starts, cancel, buffered, skipped);
    }
}
