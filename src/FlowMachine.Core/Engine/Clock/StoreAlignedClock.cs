using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The engine's clock: the process's own <see cref="TimeProvider"/> moved by the offset last measured against
/// the store's clock (<see cref="IStoreClock"/>), so that every process sharing the store agrees on "now".
/// Timers and elapsed time are the local clock's: only the wall-clock time is moved. Without a store clock
/// the offset stays zero and this is the local clock.
/// </summary>
public sealed class StoreAlignedClock : TimeProvider
{
    private const int Samples = 3;
    private readonly TimeProvider local;
    private readonly IStoreClock? store;
    private long offsetTicks;

    /// <summary>A clock over <paramref name="local"/>, aligned to <paramref name="store"/> when it has a clock.</summary>
    public StoreAlignedClock(TimeProvider local, IStoreClock? store)
    {
        ArgumentNullException.ThrowIfNull(local);
        this.local = local;
        this.store = store;
    }

    /// <summary>The process's own clock.</summary>
    public TimeProvider Local => local;

    /// <summary>True when the store has a clock this one follows.</summary>
    public bool FollowsStore => store is not null;

    /// <summary>The store's time minus the local time, as last measured.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Volatile.Read(ref offsetTicks));

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => local.GetUtcNow().AddTicks(Volatile.Read(ref offsetTicks));

    /// <inheritdoc/>
    public override long GetTimestamp() => local.GetTimestamp();

    /// <inheritdoc/>
    public override long TimestampFrequency => local.TimestampFrequency;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => local.LocalTimeZone;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        local.CreateTimer(callback, state, dueTime, period);

    /// <summary>
    /// Reads the store's clock a few times and keeps the offset of the quickest round trip, taking the store's
    /// reading to be from the middle of it; an offset smaller than that reading's uncertainty counts as none.
    /// Does nothing when the store has no clock.
    /// </summary>
    /// <returns>The offset now in use.</returns>
    public async ValueTask<TimeSpan> AlignAsync(CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return TimeSpan.Zero;
        }

        TimeSpan? best = null;
        var bestTrip = TimeSpan.MaxValue;
        for (var i = 0; i < Samples; i++)
        {
            var started = local.GetTimestamp();
            var before = local.GetUtcNow();
            var storeNow = await store.GetTimeAsync(cancellationToken).ConfigureAwait(false);
            var trip = local.GetElapsedTime(started);
            if (trip < bestTrip)
            {
                bestTrip = trip;
                best = storeNow - (before + (trip / 2));
            }
        }

        // An offset within what the quickest round trip leaves uncertain (plus a millisecond) is no offset:
        // processes on one machine, or on machines that keep time, keep agreeing exactly rather than each
        // moving by its own measuring error.
        var offset = best!.Value.Duration() <= (bestTrip / 2) + TimeSpan.FromMilliseconds(1) ? TimeSpan.Zero : best.Value;
        Volatile.Write(ref offsetTicks, offset.Ticks);
        return offset;
    }
}
