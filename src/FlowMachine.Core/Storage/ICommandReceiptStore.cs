namespace FlowMachine.Storage;

/// <summary>
/// The answers to commands sent with an idempotency key, kept for a while so that a repeat of the command (a client
/// retrying after a lost answer) gets the first answer and is not applied again, by any process on the store.
/// </summary>
public interface ICommandReceiptStore
{
    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="request"/>: null when this caller is the first (it acts, then
    /// completes or forgets the receipt); otherwise the receipt stored under the key. Receipts older than
    /// <paramref name="keep"/> are forgotten first, so their keys may be used again.
    /// </summary>
    ValueTask<CommandReceipt?> ClaimCommandReceiptAsync(string key, string request, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken);

    /// <summary>Stores the answer to the command claimed under <paramref name="key"/>.</summary>
    ValueTask CompleteCommandReceiptAsync(string key, int status, string body, CancellationToken cancellationToken);

    /// <summary>Forgets the claim on <paramref name="key"/>: the command failed, and a repeat may try it again.</summary>
    ValueTask ForgetCommandReceiptAsync(string key, CancellationToken cancellationToken);
}
