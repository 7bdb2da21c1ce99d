using System.Reflection;
using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>What the logical engines of one simulation process asked of their stores, summed over the engines.</summary>
internal sealed class ClaimCounts
{
    private long claims;
    private long claimed;
    private long empty;
    private long shortClaims;
    private long emptyWithDueWork;
    private long nextDue;
    private long wakeUps;

    public void Claim(int asked, int got)
    {
        Interlocked.Increment(ref claims);
        Interlocked.Add(ref claimed, got);
        if (got == 0)
        {
            Interlocked.Increment(ref empty);
        }
        else if (got < asked)
        {
            Interlocked.Increment(ref shortClaims);
        }
    }

    public void NextDue(bool dueNowAfterEmptyClaim)
    {
        Interlocked.Increment(ref nextDue);
        if (dueNowAfterEmptyClaim)
        {
            Interlocked.Increment(ref emptyWithDueWork);
        }
    }

    public void WokenUp() => Interlocked.Increment(ref wakeUps);

    /// <summary>claims, flows claimed, empty claims, short claims, empty claims that left due work, next-due reads, wake-ups.</summary>
    public long[] Read() =>
        [Interlocked.Read(ref claims), Interlocked.Read(ref claimed), Interlocked.Read(ref empty), Interlocked.Read(ref shortClaims),
            Interlocked.Read(ref emptyWithDueWork), Interlocked.Read(ref nextDue), Interlocked.Read(ref wakeUps)];
}

/// <summary>
/// A logical engine's store for the simulation: every call goes to the PostgreSQL store, and claims, next-due
/// reads and wake-ups by notification are counted. An empty claim followed by a next-due time already passed
/// means due flows were there but not taken: locked by another engine's claim (skipped) or leased by it just before.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from it at run time.")]
internal class CountingStore : StoreProxy, IStoreNotifications, IStoreClock
{
    private ClaimCounts counts = null!;
    private int lastClaimEmpty;

    public static IFlowStore Wrap(IFlowStore inner, ClaimCounts counts)
    {
        var self = Decorate<IFlowStore, CountingStore>(inner);
        self.counts = counts;
        return (IFlowStore)(object)self;
    }

    public IDisposable Subscribe(Action onWork) => ((IStoreNotifications)Inner).Subscribe(() =>
    {
        counts.WokenUp();
        onWork();
    });

    public ValueTask<DateTimeOffset> GetTimeAsync(CancellationToken cancellationToken) => ((IStoreClock)Inner).GetTimeAsync(cancellationToken);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2012:Use ValueTasks correctly", Justification = "Each ValueTask the store returned is awaited once, by the counting wrapper that replaces it.")]
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var result = Forward(method, args);

        return method.Name switch
        {
            nameof(IFlowStore.ClaimDueAsync) => ClaimAsync((ValueTask<IReadOnlyList<ClaimedFlow>>)result!, (int)args![1]!),
            nameof(IFlowStore.GetNextDueAsync) => NextDueAsync((ValueTask<DateTimeOffset?>)result!),
            _ => result,
        };
    }

    private async ValueTask<IReadOnlyList<ClaimedFlow>> ClaimAsync(ValueTask<IReadOnlyList<ClaimedFlow>> pending, int asked)
    {
        var claimed = await pending.ConfigureAwait(false);
        counts.Claim(asked, claimed.Count);
        Volatile.Write(ref lastClaimEmpty, claimed.Count == 0 ? 1 : 0);
        return claimed;
    }

    private async ValueTask<DateTimeOffset?> NextDueAsync(ValueTask<DateTimeOffset?> pending)
    {
        var due = await pending.ConfigureAwait(false);
        counts.NextDue(Volatile.Read(ref lastClaimEmpty) == 1 && due <= DateTimeOffset.UtcNow);
        return due;
    }
}
