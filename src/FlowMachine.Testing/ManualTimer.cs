namespace FlowMachine.Testing;

/// <summary>A timer of a <see cref="ManualClock"/>; its state is guarded by the clock's lock.</summary>
internal sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
{
    private TimeSpan period = Timeout.InfiniteTimeSpan;

    /// <summary>When the timer fires next; null when disarmed.</summary>
    public DateTimeOffset? DueAt { get; private set; }

    public void Arm(DateTimeOffset now, TimeSpan dueTime, TimeSpan newPeriod)
    {
        period = newPeriod;
        DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
    }

    /// <summary>Re-arms a periodic timer one period later, or disarms a one-shot timer.</summary>
    public void MarkFired() =>
        DueAt = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? null : DueAt + period;

    public void Invoke() => callback(state);

    public bool Change(TimeSpan dueTime, TimeSpan period) => clock.Change(this, dueTime, period);

    public void Dispose() => clock.Remove(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
