namespace FlowMachine.Storage.InMemory;

// The command-receipt role (ICommandReceiptStore).
public sealed partial class InMemoryFlowStore : ICommandReceiptStore
{
    private readonly Dictionary<string, (CommandReceipt Receipt, DateTimeOffset At)> receipts = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<CommandReceipt?> ClaimCommandReceiptAsync(string key, string request, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var old in receipts.Where(r => r.Value.At < now - keep).Select(r => r.Key).ToList())
            {
                receipts.Remove(old);
            }

            if (receipts.TryGetValue(key, out var stored))
            {
                return ValueTask.FromResult<CommandReceipt?>(stored.Receipt);
            }

            receipts[key] = (new CommandReceipt(request, null, null), now);
            return ValueTask.FromResult<CommandReceipt?>(null);
        }
    }

    /// <inheritdoc/>
    public ValueTask CompleteCommandReceiptAsync(string key, int status, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            if (receipts.TryGetValue(key, out var stored))
            {
                receipts[key] = (stored.Receipt with { Status = status, Body = body }, stored.At);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ForgetCommandReceiptAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            receipts.Remove(key);
        }

        return ValueTask.CompletedTask;
    }
}
