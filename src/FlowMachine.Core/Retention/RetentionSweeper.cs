using FlowMachine.Hooks;
using FlowMachine.Storage;

namespace FlowMachine.Retention;

/// <summary>
/// Deletes finished flows whose retention period has passed, in batches of <see cref="RetentionPolicy.BatchSize"/>
/// top-level flows (one transaction each) with a pause between them that keeps its share of the time within
/// <see cref="RetentionPolicy.DutyCycle"/> (more once a sweep has run past <see cref="RetentionPolicy.Interval"/>
/// and so fallen behind), then gives the space back where the store can. Every <c>serve</c> and <c>worker</c> process runs one: the store makes two sweeps at once take different flows.
/// </summary>
public sealed class RetentionSweeper(IFlowRetentionStore store, RetentionPolicy policy, TimeProvider time)
{
    private RetentionSweep? lastSweep;

    /// <summary>The last sweep this process finished, or null before the first.</summary>
    public RetentionSweep? LastSweep => Volatile.Read(ref lastSweep);

    /// <summary>The policy it applies.</summary>
    public RetentionPolicy Policy => policy;

    /// <summary>How long after start the first sweep runs: the process starts its work first.</summary>
    public static readonly TimeSpan FirstSweepAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sweeps every <see cref="RetentionPolicy.Interval"/>, the first time <see cref="FirstSweepAfter"/> after
    /// start, until stopped; a failed sweep is reported and tried again next time.
    /// </summary>
    public async Task RunAsync(Action<Exception> failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var wait = policy.Interval < FirstSweepAfter ? policy.Interval : FirstSweepAfter;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                wait = policy.Interval;
                await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a sweep that fails must not stop the process: it is reported and tried again
            catch (Exception error)
#pragma warning restore CA1031
            {
                failed(error);
            }
        }
    }

    /// <summary>One sweep over every state and routine of the policy.</summary>
    public async Task<RetentionSweep> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var deleted = RetentionPolicy.States.ToDictionary(s => s, _ => 0L);
        long children = 0;
        string? error = null;
        try
        {
            var own = policy.Routines.Keys.Order(StringComparer.Ordinal).ToList();
            foreach (var state in RetentionPolicy.States)
            {
                foreach (var routine in own)
                {
                    var period = policy.Routines[routine].For(state) ?? policy.For(state);
                    var (flows, kids) = await DeleteOlderAsync(now, started, period, new FlowRetentionFilter { States = [state], Routine = routine }, cancellationToken).ConfigureAwait(false);
                    deleted[state] += flows;
                    children += kids;
                }

                var (all, allKids) = await DeleteOlderAsync(now, started, policy.For(state), new FlowRetentionFilter { States = [state], ExceptRoutines = own }, cancellationToken).ConfigureAwait(false);
                deleted[state] += all;
                children += allKids;
            }

            if (store is IKeyedEventStore keyed)
            {
                await keyed.PurgeKeptEventsAsync(now, cancellationToken).ConfigureAwait(false); // events by key past their time
            }

            if (store is IHookStore hooks)
            {
                await hooks.PurgeHookDeliveriesAsync(now - HookProtocol.DeliveryKeep, cancellationToken).ConfigureAwait(false); // delivery ids past their time
            }

            await store.ReclaimSpaceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = e.Message;
            throw;
        }
        finally
        {
            Volatile.Write(ref lastSweep, new RetentionSweep(now, deleted, children, time.GetElapsedTime(started), error));
        }

        return LastSweep!;
    }

    /// <summary>
    /// Deletes what <paramref name="filter"/> matches in batches until nothing more does, pausing
    /// <see cref="RetentionPolicy.Pause"/> between them (<c>flows purge</c>); returns (top-level flows, children).
    /// </summary>
    public Task<(long Flows, long Children)> DeleteAllAsync(FlowRetentionFilter filter, CancellationToken cancellationToken) =>
        DeleteAllAsync(filter, paced: false, cancellationToken);

    /// <summary>
    /// Deletes what <paramref name="filter"/> matches in batches until nothing more does; <paramref name="paced"/>:
    /// as a sweep does, pausing after each batch as <see cref="RetentionPolicy.DutyCycle"/> says, else only
    /// <see cref="RetentionPolicy.Pause"/>. Returns (top-level flows, children).
    /// </summary>
    public Task<(long Flows, long Children)> DeleteAllAsync(FlowRetentionFilter filter, bool paced, CancellationToken cancellationToken) =>
        DeleteAllAsync(filter, paced ? time.GetTimestamp() : null, cancellationToken);

    // sweepStarted: when the sweep this belongs to started (its pauses shrink once it runs past the interval); null: not paced.
    private async Task<(long Flows, long Children)> DeleteAllAsync(FlowRetentionFilter filter, long? sweepStarted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        long flows = 0, children = 0;
        while (true)
        {
            var started = time.GetTimestamp();
            var batch = await store.DeleteFlowsAsync(filter, policy.BatchSize, cancellationToken).ConfigureAwait(false);
            flows += batch.Deleted;
            children += batch.Children;
            if (batch.Examined < policy.BatchSize || batch.Deleted == 0)
            {
                return (flows, children);
            }

            // Yield to the workers between two transactions: a sweep for longer after a slow batch.
            var pause = sweepStarted is { } since ? policy.PauseAfter(time.GetElapsedTime(started), time.GetElapsedTime(since)) : policy.Pause;
            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<(long Flows, long Children)> DeleteOlderAsync(DateTimeOffset now, long sweepStarted, TimeSpan period, FlowRetentionFilter filter, CancellationToken cancellationToken) =>
        period == RetentionPolicy.Forever || period >= now - DateTimeOffset.UnixEpoch
            ? Task.FromResult((0L, 0L))
            : DeleteAllAsync(filter with { FinishedBefore = now - period }, sweepStarted, cancellationToken);
}
