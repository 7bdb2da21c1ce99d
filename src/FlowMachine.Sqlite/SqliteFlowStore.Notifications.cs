using FlowMachine.Storage;

namespace FlowMachine.Sqlite;

// Notifications (IStoreNotifications): a flow let go for another pool wakes the engines of this process at once.
public sealed partial class SqliteFlowStore
{
    private readonly WorkNotifier notifier = new();

    /// <inheritdoc/>
    public IDisposable Subscribe(Action onWork) => notifier.Subscribe(onWork);

    private async ValueTask<T> NotifyAfterAsync<T>(ValueTask<T> written)
    {
        var result = await written.ConfigureAwait(false);
        notifier.Notify();
        return result;
    }
}
