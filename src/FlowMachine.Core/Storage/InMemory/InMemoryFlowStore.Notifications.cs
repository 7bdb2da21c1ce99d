namespace FlowMachine.Storage.InMemory;

// Notifications (IStoreNotifications): a flow let go for another pool wakes the engines that share this store.
public sealed partial class InMemoryFlowStore
{
    private readonly WorkNotifier notifier = new();

    /// <inheritdoc/>
    public IDisposable Subscribe(Action onWork) => notifier.Subscribe(onWork);

    private void Notify() => notifier.Notify();
}
