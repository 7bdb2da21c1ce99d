namespace FlowMachine.Engine;

/// <summary>
/// The flows this process changes, one <see cref="FlowChange"/> per commit: for progress displays, live
/// streams and counters. Changes made by other processes are not seen here; read the store for those.
/// </summary>
public interface IFlowChangeFeed
{
    /// <summary>
    /// Calls <paramref name="observer"/> after every commit in this process, on the thread that committed,
    /// until the returned subscription is disposed. Observers must be quick and must not throw.
    /// </summary>
    IDisposable Subscribe(Action<FlowChange> observer);
}
