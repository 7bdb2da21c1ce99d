namespace FlowMachine.Engine;

/// <summary>
/// Wakes idle workers at once when work appears (a started flow, a command, a child), so that nothing
/// waits for a poll inside a process. Other processes are woken by the store (LISTEN/NOTIFY) or by polling.
/// </summary>
public sealed class FlowSignal
{
    private readonly object gate = new();
    private TaskCompletionSource next = NewSource();

    /// <summary>Wakes every waiter.</summary>
    public void Notify()
    {
        TaskCompletionSource fired;
        lock (gate)
        {
            fired = next;
            next = NewSource();
        }

        fired.TrySetResult();
    }

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task NextAsync()
    {
        lock (gate)
        {
            return next.Task;
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
