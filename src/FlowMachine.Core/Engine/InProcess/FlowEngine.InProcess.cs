
namespace FlowMachine.Engine;

// Ticking and running one flow in this process (tests, the CLI and embedders), its children included.
public sealed partial class FlowEngine : IFlowRunner
{
    /// <summary>
    /// Advances the flow by one round in this process: applies waiting commands, events and timers, runs
    /// the steps runnable now (in parallel), and commits. Steps that become runnable wait for the next tick.
    /// </summary>
    public async Task<FlowView> TickAsync(string flowId, CancellationToken cancellationToken = default)
    {
        var claimed = await Store.ClaimFlowAsync(flowId, Owner, Routes, Now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (claimed is not null)
        {
            ThrowIfFaulted(await RunClaimedAsync(claimed, tick: true, cancellationToken).ConfigureAwait(false));
        }

        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");
    }

    /// <summary>
    /// Runs the flow in this process until it ends or pauses, running its child flows too. With
    /// <paramref name="waitForTimers"/> it also sleeps until due timers and retries; otherwise it returns
    /// when nothing is due now.
    /// </summary>
    public async Task<FlowView> RunAsync(string flowId, bool waitForTimers = false, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = Signal.NextAsync();
            var claimed = await Store.ClaimFlowAsync(flowId, Owner, Routes, Now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (claimed is not null && held.ContainsKey(flowId))
            {
                // Another run in this process has the flow: wait for it to let go. A real-time poll, not a
                // flow timer: on the engine's clock a test's fake time would never move it.
                await Task.WhenAny(wake, Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken)).ConfigureAwait(false);
                continue;
            }

            if (claimed is not null)
            {
                // A store error must reach the caller: trying again at once would only fail again.
                ThrowIfFaulted(await RunClaimedAsync(claimed, tick: false, cancellationToken).ConfigureAwait(false));
                continue;
            }

            var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");
            if (flow.State.IsTerminal())
            {
                break;
            }

            // Children (and anything else due) run here too, so a spawning flow can finish in one call.
            var others = await Store.ClaimDueAsync(Owner, 16, Routes, Now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (others.Count > 0)
            {
                foreach (var fault in await Task.WhenAll(others.Select(o => RunClaimedAsync(o, tick: false, cancellationToken))).ConfigureAwait(false))
                {
                    ThrowIfFaulted(fault);
                }

                continue;
            }

            if (!waitForTimers)
            {
                break;
            }

            var due = await Store.GetNextDueAsync(Routes, cancellationToken).ConfigureAwait(false);
            if (due is null && flow.LeaseOwner is null)
            {
                break; // nothing will happen without outside input
            }

            var at = due ?? Now + TimeSpan.FromMilliseconds(200);
            if (at > Now)
            {
                await Task.WhenAny(ClockDelay.Until(Time, at, cancellationToken), wake).ConfigureAwait(false);
            }
        }

        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");
    }

    private static void ThrowIfFaulted(Exception? fault)
    {
        if (fault is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
        }
    }
}
