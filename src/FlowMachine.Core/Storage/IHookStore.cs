namespace FlowMachine.Storage;

/// <summary>
/// Webhooks: stored by unique name with their secret, owner and action, and the deliveries each has received, with
/// the answer given to each, so that a redelivery (the same delivery id) gets the first answer and nothing is done
/// twice, by any process on the store.
/// </summary>
public interface IHookStore
{
    /// <summary>Stores a new hook. Returns false (and writes nothing) when the name is taken.</summary>
    ValueTask<bool> CreateHookAsync(HookRecord hook, CancellationToken cancellationToken);

    /// <summary>The hook named <paramref name="name"/>, or null.</summary>
    ValueTask<HookRecord?> GetHookAsync(string name, CancellationToken cancellationToken);

    /// <summary>The hooks of <paramref name="owner"/> (every hook when null), by name.</summary>
    ValueTask<IReadOnlyList<HookRecord>> ListHooksAsync(string? owner, CancellationToken cancellationToken);

    /// <summary>Replaces a hook's secret and sets its rotated time. Returns false when there is no such hook.</summary>
    ValueTask<bool> RotateHookSecretAsync(string name, string secret, DateTimeOffset rotatedAt, CancellationToken cancellationToken);

    /// <summary>Deletes a hook and the deliveries it received; the flows it started stay. Returns false when there was none.</summary>
    ValueTask<bool> DeleteHookAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Claims delivery <paramref name="delivery"/> of hook <paramref name="hook"/>: null when this caller is the first
    /// (it acts, then completes or forgets the delivery); otherwise what is stored under it. The hook's deliveries
    /// received before <paramref name="now"/> minus <paramref name="keep"/> are forgotten first, so their ids may be used again.
    /// </summary>
    ValueTask<HookDelivery?> ClaimHookDeliveryAsync(string hook, string delivery, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken);

    /// <summary>Stores the answer given to a claimed delivery.</summary>
    ValueTask CompleteHookDeliveryAsync(string hook, string delivery, int status, string body, CancellationToken cancellationToken);

    /// <summary>Forgets a claimed delivery: handling it failed, and a redelivery may try again.</summary>
    ValueTask ForgetHookDeliveryAsync(string hook, string delivery, CancellationToken cancellationToken);

    /// <summary>Forgets every delivery (of any hook) received before <paramref name="before"/>. Returns how many went.</summary>
    ValueTask<int> PurgeHookDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
