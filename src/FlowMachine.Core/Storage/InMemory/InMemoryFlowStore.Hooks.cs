namespace FlowMachine.Storage.InMemory;

// The webhook role (IHookStore): hooks by name and their deliveries by (hook, delivery id), under the one lock.
public sealed partial class InMemoryFlowStore : IHookStore
{
    private readonly SortedDictionary<string, HookRecord> hooks = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Hook, string Delivery), (HookDelivery Delivery, DateTimeOffset At)> hookDeliveries = [];

    /// <inheritdoc/>
    public ValueTask<bool> CreateHookAsync(HookRecord hook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(hooks.TryAdd(hook.Name, hook));
        }
    }

    /// <inheritdoc/>
    public ValueTask<HookRecord?> GetHookAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (gate)
        {
            return ValueTask.FromResult(hooks.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<HookRecord>> ListHooksAsync(string? owner, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<HookRecord> list = [.. hooks.Values.Where(h => owner is null || string.Equals(h.Owner, owner, StringComparison.Ordinal))];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> RotateHookSecretAsync(string name, string secret, DateTimeOffset rotatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(secret);
        lock (gate)
        {
            if (!hooks.TryGetValue(name, out var hook))
            {
                return ValueTask.FromResult(false);
            }

            hooks[name] = hook with { Secret = secret, RotatedAt = rotatedAt };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteHookAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (gate)
        {
            foreach (var key in hookDeliveries.Keys.Where(k => string.Equals(k.Hook, name, StringComparison.Ordinal)).ToList())
            {
                hookDeliveries.Remove(key);
            }

            return ValueTask.FromResult(hooks.Remove(name));
        }
    }

    /// <inheritdoc/>
    public ValueTask<HookDelivery?> ClaimHookDeliveryAsync(string hook, string delivery, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(delivery);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var key = (hook, delivery);
            if (hookDeliveries.TryGetValue(key, out var stored))
            {
                if (stored.At >= now - keep)
                {
                    return ValueTask.FromResult<HookDelivery?>(stored.Delivery);
                }
            }

            hookDeliveries[key] = (new HookDelivery(null, null), now);
            return ValueTask.FromResult<HookDelivery?>(null);
        }
    }

    /// <inheritdoc/>
    public ValueTask CompleteHookDeliveryAsync(string hook, string delivery, int status, string body, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (hookDeliveries.TryGetValue((hook, delivery), out var stored))
            {
                hookDeliveries[(hook, delivery)] = (new HookDelivery(status, body), stored.At);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ForgetHookDeliveryAsync(string hook, string delivery, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            hookDeliveries.Remove((hook, delivery));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int> PurgeHookDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var old = hookDeliveries.Where(d => d.Value.At < before).Select(d => d.Key).ToList();
            foreach (var key in old)
            {
                hookDeliveries.Remove(key);
            }

            return ValueTask.FromResult(old.Count);
        }
    }
}
