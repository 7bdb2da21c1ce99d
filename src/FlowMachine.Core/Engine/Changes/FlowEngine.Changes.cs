namespace FlowMachine.Engine;

// The change feed: one FlowChange per commit (see OnCommitted), built only when someone subscribed.
public sealed partial class FlowEngine : IFlowChangeFeed
{
    private Action<FlowChange>? changed;

    /// <inheritdoc/>
    public IDisposable Subscribe(Action<FlowChange> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Action<FlowChange>? before, after;
        do
        {
            before = Volatile.Read(ref changed);
            after = (Action<FlowChange>)Delegate.Combine(before, observer);
        }
        while (Interlocked.CompareExchange(ref changed, after, before) != before);

        return new ChangeSubscription(this, observer);
    }

    private void Unsubscribe(Action<FlowChange> observer)
    {
        Action<FlowChange>? before, after;
        do
        {
            before = Volatile.Read(ref changed);
            after = (Action<FlowChange>?)Delegate.Remove(before, observer);
        }
        while (Interlocked.CompareExchange(ref changed, after, before) != before);
    }

    private sealed class ChangeSubscription(FlowEngine engine, Action<FlowChange> observer) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                engine.Unsubscribe(observer);
            }
        }
    }
}
