namespace FlowMachine.Storage;

/// <summary>
/// A store shared by processes on many machines, whose own clock judges leases and due times. The engine
/// reads it now and then and runs on the store's time (<see cref="Engine.StoreAlignedClock"/>), so that a
/// process whose clock is ahead neither steals leases still held nor fires timers early, and one whose
/// clock is behind does not leave due work waiting.
/// </summary>
public interface IStoreClock
{
    /// <summary>The store's current time.</summary>
    ValueTask<DateTimeOffset> GetTimeAsync(CancellationToken cancellationToken);
}
