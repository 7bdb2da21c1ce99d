namespace FlowMachine.Client;

/// <summary>
/// The <c>Idempotency-Key</c> the client sends with every command (push, submit, event, cancel, reset, retry, position,
/// suspend, resume, pause, delete, bulk): a new one per call, so that the call may be sent again after a transient
/// failure and the server applies it once. <see cref="Use"/> gives a command the caller's own key instead, to make a
/// command the caller repeats (after a restart, from a queue) idempotent too.
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The request header's name.</summary>
    public const string Header = "Idempotency-Key";

    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>
    /// Until the returned scope is disposed, commands sent from this async flow carry <paramref name="key"/> (1 to 255
    /// visible ASCII characters). Send one command per key: the server answers a repeat with the first answer.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty, longer than 255 characters or not visible ASCII.</exception>
    public static IDisposable Use(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > 255 || key.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("an idempotency key has 1 to 255 visible ASCII characters", nameof(key));
        }

        var before = Current.Value;
        Current.Value = key;
        return new Scope(before);
    }

    /// <summary>The caller's key, or a new one.</summary>
    internal static string Next() => Current.Value ?? Guid.NewGuid().ToString("N");

    private sealed class Scope(string? before) : IDisposable
    {
        public void Dispose() => Current.Value = before;
    }
}
