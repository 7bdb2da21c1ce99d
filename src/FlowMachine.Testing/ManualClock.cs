namespace FlowMachine.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that stands still until a test moves it. Timers created from it
/// (the engine's durable timers, retry backoff, <c>Task.Delay(..., clock)</c>) fire, in due order,
/// as <see cref="Advance"/> or <see cref="SetUtcNow"/> passes them.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    /// <summary>The time a clock starts at unless told otherwise: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now;

    /// <summary>Creates a clock at <paramref name="start"/> (default <see cref="DefaultStart"/>).</summary>
    public ManualClock(DateTimeOffset? start = null) => now = (start ?? DefaultStart).ToUniversalTime();

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    /// <inheritdoc/>
    // Elapsed-time measurements follow this clock too, so durations are deterministic.
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        SetUtcNow(GetUtcNow() + by);
    }

    /// <summary>Moves the clock forward to <paramref name="time"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is earlier than now; only <see cref="SetBack"/> moves a clock back.</exception>
    public void SetUtcNow(DateTimeOffset time)
    {
        var target = time.ToUniversalTime();
        while (true)
        {
            ManualTimer? next;
            lock (gate)
            {
                if (target < now)
                {
                    throw new ArgumentOutOfRangeException(nameof(time), $"The clock is at {now:O}; it cannot go back to {target:O}.");
                }

                // Fire timers one at a time in due order, with the clock at each one's due time,
                // so a callback that reads the clock or creates a timer sees a consistent world.
                next = timers.Where(t => t.DueAt is { } at && at <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    now = target;
                    return;
                }

                if (next.DueAt > now)
                {
                    now = next.DueAt.Value;
                }

                next.MarkFired();
            }

            next.Invoke();
        }
    }

    /// <summary>
    /// Moves the clock back by <paramref name="by"/>, as when a host's clock is corrected. Nothing fires;
    /// armed timers keep their due times, so they fire once the clock passes them again.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public void SetBack(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (gate)
        {
            now -= by;
        }
    }

    /// <summary>The number of timers that are armed now (for diagnostics in tests).</summary>
    public int PendingTimers
    {
        get
        {
            lock (gate)
            {
                return timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (gate)
        {
            timers.Add(timer);
            timer.Arm(now, dueTime, period);
        }

        return timer;
    }

    internal bool Change(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (gate)
        {
            if (!timers.Contains(timer))
            {
                return false;
            }

            timer.Arm(now, dueTime, period);
            return true;
        }
    }

    internal void Remove(ManualTimer timer)
    {
        lock (gate)
        {
            timers.Remove(timer);
        }
    }
}
