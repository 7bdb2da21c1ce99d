namespace FlowMachine.Engine;

/// <summary>Waits for a time on a clock, not for a span measured from an earlier reading of it.</summary>
internal static class ClockDelay
{
    private static readonly TimeSpan MoveTolerance = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// A task that completes when <paramref name="time"/> reaches <paramref name="at"/> (at once when it has). A timer
    /// is armed for a span, so a clock that moved on between reading it and arming the timer (a test's clock advanced
    /// by another thread) would leave the timer late by that move: then it is armed again from the clock's new reading.
    /// </summary>
    public static Task Until(TimeProvider time, DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (true)
        {
            var before = time.GetUtcNow();
            var span = at - before;
            var delay = Task.Delay(span > TimeSpan.Zero ? span : TimeSpan.Zero, time, cancellationToken);
            if (delay.IsCompleted || time.GetUtcNow() - before < MoveTolerance)
            {
                return delay;
            }
        }
    }
}
