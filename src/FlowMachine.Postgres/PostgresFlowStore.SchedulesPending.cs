using FlowMachine.Storage;

namespace FlowMachine.Postgres;

// Placeholder while the schedule tables land on this branch: replaced by PostgresFlowStore.Schedules.cs.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public ValueTask<bool> CreateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<bool> UpdateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<ScheduleRecord?> GetScheduleAsync(string name, CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<bool> DeleteScheduleAsync(string name, CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedSchedule>> ClaimDueSchedulesAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<ClaimedSchedule>>([]);
    /// <inheritdoc/>
    public ValueTask<ClaimedSchedule?> ClaimScheduleAsync(string name, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleFireResult>> FireSchedulesAsync(IReadOnlyList<ScheduleFiring> firings, CancellationToken cancellationToken) => throw Pending();
    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextScheduleDueAsync(CancellationToken cancellationToken) => ValueTask.FromResult<DateTimeOffset?>(null);

    private static NotSupportedException Pending() => new("schedules are not stored in this store yet");
}
