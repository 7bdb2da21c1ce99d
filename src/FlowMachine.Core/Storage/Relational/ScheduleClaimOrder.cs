namespace FlowMachine.Storage.Relational;

/// <summary>
/// The order of a claim's schedules (RETURNING gives none), as <see cref="IScheduleStore.ClaimDueSchedulesAsync"/>
/// hands them out: earliest first, a buffered slot whose last flow has ended counting as due now, then by name.
/// </summary>
internal static class ScheduleClaimOrder
{
    /// <summary>Sorts <paramref name="claimed"/> in place.</summary>
    public static void Sort(List<ClaimedSchedule> claimed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        claimed.Sort((a, b) =>
        {
            var byTime = Nullable.Compare(DueAt(a, now), DueAt(b, now));
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Schedule.Name, b.Schedule.Name);
        });
    }

    private static DateTimeOffset? DueAt(ClaimedSchedule c, DateTimeOffset now) =>
        c.Schedule.BufferedSlot is not null && (c.LastFlowState is null || c.LastFlowState.Value.IsTerminal()) ? now : c.Schedule.NextFireAt;
}
