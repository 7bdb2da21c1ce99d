namespace FlowMachine.Storage;

/// <summary>The in-process side of <see cref="IStoreNotifications"/>: subscribers, and a call that wakes them all.</summary>
internal sealed class WorkNotifier
{
    private readonly Lock gate = new();
    private Action? onWork;

    public IDisposable Subscribe(Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (gate)
        {
            onWork += handler;
        }

        return new Subscription(this, handler);
    }

    /// <summary>Calls every subscriber; they only signal, so this is quick.</summary>
    public void Notify()
    {
        Action? handlers;
        lock (gate)
        {
            handlers = onWork;
        }

        handlers?.Invoke();
    }

    private sealed class Subscription(WorkNotifier notifier, Action handler) : IDisposable
    {
        public void Dispose()
        {
            lock (notifier.gate)
            {
                notifier.onWork -= handler;
            }
        }
    }
}
