namespace FlowMachine.Storage;

/// <summary>
/// Optional for a store: it can tell when work may have appeared elsewhere (another process created a
/// flow, queued a command, released a due flow), so idle workers wake without waiting for their poll.
/// Polling stays the fallback: a notification may be late or lost, never required.
/// </summary>
public interface IStoreNotifications
{
    /// <summary>Calls <paramref name="onWork"/> whenever work may be due; dispose the result to stop.</summary>
    /// <remarks><paramref name="onWork"/> runs on the store's thread and must be quick.</remarks>
    IDisposable Subscribe(Action onWork);
}
