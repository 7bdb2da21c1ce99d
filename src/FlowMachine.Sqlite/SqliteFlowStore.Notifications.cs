namespace FlowMachine.Sqlite;

// Notifications (IStoreNotifications): a flow let go for another pool wakes the engines of this process at once.
public sealed partial class SqliteFlowStore
{
    private readonly Lock notifyGate = new();
    private Action? onWork;

    /// <inheritdoc/>
    public IDisposable Subscribe(Action onWork)
    {
        ArgumentNullException.ThrowIfNull(onWork);
        lock (notifyGate)
        {
            this.onWork += onWork;
        }

        return new Subscription(this, onWork);
    }

    private async ValueTask<T> NotifyAfterAsync<T>(ValueTask<T> written)
    {
        var result = await written.ConfigureAwait(false);
        Action? handlers;
        lock (notifyGate)
        {
            handlers = onWork;
        }

        handlers?.Invoke();
        return result;
    }

    private sealed class Subscription(SqliteFlowStore store, Action handler) : IDisposable
    {
        public void Dispose()
        {
            lock (store.notifyGate)
            {
                store.onWork -= handler;
            }
        }
    }
}
