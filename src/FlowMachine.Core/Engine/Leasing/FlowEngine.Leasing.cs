using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using FlowMachine.Diagnostics;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Leases: the flows this process holds, the claim-again handshake, and the heartbeat that renews them.
public sealed partial class FlowEngine
{
    private readonly ConcurrentDictionary<string, HeldFlow> held = new(StringComparer.Ordinal);
    private int beating;

    /// <summary>The worker running in this process, set while it runs: flows started here are handed to it.</summary>
    internal FlowWorker? LocalWorker;

    /// <summary>
    /// Runs a leased flow: applies its inputs, then starts runnable steps and goes straight on with the
    /// next ones as each finishes, committing every transition before anything else happens. Returns
    /// when the flow ends or pauses (the lease is released) or, with <paramref name="tick"/>, after one round.
    /// </summary>
    /// <param name="claimed">The flow as claimed (null with <paramref name="first"/>).</param>
    /// <param name="tick">Run one round only.</param>
    /// <param name="stop">Stops the run; the steps in flight are handed back.</param>
    /// <param name="first">A flow stored with its first round taken (<see cref="FirstRound"/>): the run goes on from it.</param>
    /// <returns>The unexpected error that stopped the run (already reported through <see cref="Faulted"/>), or null.</returns>
    internal async Task<Exception?> RunClaimedAsync(ClaimedFlow? claimed, bool tick, CancellationToken stop, FirstRound? first = null)
    {
        while (true)
        {
            var flowId = first?.Run.Flow.Id ?? claimed!.Flow.Id;
            using var lost = new CancellationTokenSource();
            var mine = new HeldFlow(lost);
            while (!held.TryAdd(flowId, mine))
            {
                // This process runs the flow already: its lease ran out (a late heartbeat) and it was claimed
                // again here, or the run is letting go just as new input made the flow due. Nothing starts
                // twice: the run in progress learns of the claim and, once it has let go, claims the flow again.
                if (held.TryGetValue(flowId, out var other))
                {
                    Interlocked.Exchange(ref other.ClaimedAgain, 1);
                    if (held.TryGetValue(flowId, out var still) && ReferenceEquals(still, other))
                    {
                        return null; // it still holds the flow, so it sees the mark when it lets go
                    }
                }
            }

            var fault = await RunHeldAsync(claimed, first, mine, tick, stop).ConfigureAwait(false);
            first = null;

            // Claimed again while this run held it: if it is due now (input came in as the run let go), it is
            // leased to this process, and nobody else would run it until the lease ran out.
            if (fault is not null || tick || stop.IsCancellationRequested || Volatile.Read(ref mine.ClaimedAgain) == 0)
            {
                return fault;
            }

            var again = await Store.ClaimFlowAsync(flowId, Owner, Routes, Now, Options.LeaseDuration, stop).ConfigureAwait(false);
            if (again is null)
            {
                return null;
            }

            claimed = again;
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failed heartbeat is reported through Faulted and tried again on the next beat; it must not stop the timer.")]
    private async Task RenewLeasesAsync()
    {
        if (held.IsEmpty || Interlocked.Exchange(ref beating, 1) == 1)
        {
            return;
        }

        try
        {
            var expiresAt = Now + Options.LeaseDuration;
            var lost = await Store.RenewLeasesAsync(Owner, [.. held.Keys], expiresAt, CancellationToken.None).ConfigureAwait(false);
            await RenewSlotsAsync(expiresAt).ConfigureAwait(false);
            FlowMachineDiagnostics.LeaseTakeovers.Add(lost.Count);
            foreach (var id in lost)
            {
                if (held.TryGetValue(id, out var run))
                {
                    await run.Lost.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            Faulted?.Invoke(string.Empty, ex);
        }
        finally
        {
            Volatile.Write(ref beating, 0);
        }
    }
}
