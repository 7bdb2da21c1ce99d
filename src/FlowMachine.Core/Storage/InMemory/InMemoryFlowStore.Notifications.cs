namespace FlowMachine.Storage.InMemory;

// Notifications (IStoreNotifications): a flow let go for another pool wakes the engines that share this store.
public sealed partial class InMemoryFlowStore
{
    private Action? onWork;

    /// <inheritdoc/>
    public IDisposable Subscribe(Action onWork)
    {
        ArgumentNullException.ThrowIfNull(onWork);
        lock (gate)
        {
            this.onWork += onWork;
        }

        return new Subscription(this, onWork);
    }

    // Called under the lock; the handlers only signal.
    private void Notify() => onWork?.Invoke();

    private sealed class Subscription(InMemoryFlowStore store, Action handler) : IDisposable
    {
        public void Dispose()
        {
            lock (store.gate)
            {
                store.onWork -= handler;
            }
        }
    }
}
