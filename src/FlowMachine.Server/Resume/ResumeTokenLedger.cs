using System.Collections.Concurrent;

namespace FlowMachine.Server.Resume;

/// <summary>
/// Tokens this process has already honoured. The engine clears a token when it applies the push, but
/// until the worker gets there a second call would still find it; the ledger makes the second call fail.
/// </summary>
internal sealed class ResumeTokenLedger(TimeProvider time)
{
    // Long after any worker has applied the push and cleared the token in the store.
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> used = new(StringComparer.Ordinal);

    /// <summary>True for the first use of a token, false for every later one.</summary>
    public bool TryUse(string token)
    {
        var now = time.GetUtcNow();
        if (used.Count > 10_000)
        {
            foreach (var old in used.Where(u => now - u.Value > Keep))
            {
                used.TryRemove(old);
            }
        }

        return used.TryAdd(token, now);
    }

    /// <summary>Gives a token back when the push could not be queued, so it stays usable.</summary>
    public void Release(string token) => used.TryRemove(token, out _);
}
