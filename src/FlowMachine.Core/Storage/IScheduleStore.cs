namespace FlowMachine.Storage;

/// <summary>
/// Schedules: stored by unique name, leased to one worker at a time like flows, and fired in the same
/// transaction that creates their flows, so a slot is started once whatever crashes or races.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Stores a new schedule. Returns false (and writes nothing) when the name is taken.</summary>
    ValueTask<bool> CreateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a schedule's owner, definition, paused flag, note, next fire time, buffered slot, error and
    /// updated time, and drops its lease (a firing under that lease then writes nothing). The last slot, last
    /// flow and created time are kept. Returns false when there is no such schedule.
    /// </summary>
    ValueTask<bool> UpdateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken);

    ValueTask<ScheduleRecord?> GetScheduleAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every schedule, by name.</summary>
    ValueTask<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a schedule; the flows it started stay. Returns false when there was none.</summary>
    ValueTask<bool> DeleteScheduleAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> schedules that are not paused, not leased by a live lease, and either
    /// due (<see cref="ScheduleRecord.NextFireAt"/> ≤ now) or holding a buffered slot whose last flow has ended
    /// (or is gone), earliest first.
    /// </summary>
    ValueTask<IReadOnlyList<ClaimedSchedule>> ClaimDueSchedulesAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Leases one schedule, due or not, paused or not, unless another owner holds a live lease; null then or when there is none.</summary>
    ValueTask<ClaimedSchedule?> ClaimScheduleAsync(string name, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Applies each firing (see <see cref="ScheduleFiring"/>); one firing whose lease was lost does not stop the others.</summary>
    ValueTask<IReadOnlyList<ScheduleFireResult>> FireSchedulesAsync(IReadOnlyList<ScheduleFiring> firings, CancellationToken cancellationToken);

    /// <summary>The earliest next fire time of a schedule that is not paused (a live lease's expiry when later), or null.</summary>
    ValueTask<DateTimeOffset?> GetNextScheduleDueAsync(CancellationToken cancellationToken);
}
