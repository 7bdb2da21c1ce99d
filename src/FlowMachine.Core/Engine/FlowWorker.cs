namespace FlowMachine.Engine;

/// <summary>
/// Claims due flows from the store and runs them, up to <see cref="FlowWorkerOptions.Concurrency"/> at
/// once. It wakes at once on work started in this process, at the next timer, and otherwise polls.
/// </summary>
public sealed class FlowWorker(FlowEngine engine, FlowWorkerOptions? options = null)
{
    private readonly FlowWorkerOptions options = Validated(options ?? new FlowWorkerOptions());
    private readonly HashSet<Task> runs = [];
    private readonly FlowSignal finished = new();
    private readonly TaskCompletionSource handedOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int active;
    private int reserved;
    private int started;
    private bool closed;
    private CancellationToken hardStopToken;

    // Set when a claim round came back short (nothing more for this worker was due): the wake signal it was taken
    // before, and the next due time it then saw. A hand-off is allowed only while that signal has not fired and that
    // time has not come, so a flow started here never overtakes one this worker knows to be waiting.
    private Task? idleSignal;
    private DateTimeOffset idleUntil;

    /// <summary>The number of flows running now.</summary>
    public int Active => Volatile.Read(ref active);

    private static FlowWorkerOptions Validated(FlowWorkerOptions options)
    {
        options.Validate();
        return options;
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled; then claims nothing more, lets running
    /// steps finish within the grace period, and cancels what remains (it runs again elsewhere). A worker runs once:
    /// make a new one to run again.
    /// </summary>
    /// <exception cref="InvalidOperationException">This worker has been run before.</exception>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            throw new InvalidOperationException("This FlowWorker has been run already; a worker runs once (its slots and hand-offs belong to that run). Create a new FlowWorker to run again.");
        }

        var time = engine.Time;
        var store = engine.Store;
        using var hardStop = new CancellationTokenSource();
        hardStopToken = hardStop.Token;
        var presence = await Routing.WorkerPresence.StartAsync(engine).ConfigureAwait(false);
        await using var presenceScope = presence.ConfigureAwait(false);

        // Flows started in this process while a slot is free come straight here, leased at their start (FlowEngine.StartAsync).
        var handOff = Interlocked.CompareExchange(ref engine.LocalWorker, this, null) is null;
        try
        {
            // On a store with a clock, judge leases and due times by it from the first claim on.
            await engine.AlignClockAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                var wake = engine.Signal.NextAsync();
                var slotFreed = finished.NextAsync();
                lock (runs)
                {
                    runs.RemoveWhere(t => t.IsCompleted);
                }

                var free = options.Concurrency - Active;
                var claimedAll = false;
                Volatile.Write(ref idleSignal, null); // busy claiming: starts here go to the store until the round came back short
                if (free > 0)
                {
                    var claimed = await store.ClaimDueAsync(engine.Options.WorkerId, free, engine.Routes, time.GetUtcNow(), engine.Options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                    foreach (var flow in claimed)
                    {
                        Interlocked.Increment(ref active);
                        Diagnostics.FlowMachineDiagnostics.FlowActivated(1);
                        var run = RunOneAsync(flow, null, yieldFirst: true, hardStop.Token);
                        lock (runs)
                        {
                            runs.Add(run);
                        }
                    }

                    claimedAll = claimed.Count == free;
                    if (claimed.Count > 0 && !claimedAll)
                    {
                        continue; // look once more: more may have become due while these were claimed
                    }
                }

                if (claimedAll || free <= 0)
                {
                    await Task.WhenAny(slotFreed, Task.Delay(options.PollInterval, time, stoppingToken)).ConfigureAwait(false);
                    continue;
                }

                var due = await store.GetNextDueAsync(engine.Routes, stoppingToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var wakeAt = now + options.PollInterval;
                if (due is { } at)
                {
                    wakeAt = at <= now ? now + TimeSpan.FromMilliseconds(5) : at < wakeAt ? at : wakeAt;
                }

                lock (runs)
                {
                    idleUntil = due ?? DateTimeOffset.MaxValue;
                    idleSignal = wake;
                }

                await Task.WhenAny(wake, ClockDelay.Until(time, wakeAt, stoppingToken)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        if (handOff)
        {
            Interlocked.CompareExchange(ref engine.LocalWorker, null, this);
        }

        Task wait;
        lock (runs)
        {
            closed = true;
            wait = reserved == 0 ? Task.CompletedTask : handedOver.Task;
        }

        await wait.ConfigureAwait(false); // a flow being started for this worker now is run (and stopped) like the rest
        Task[] remaining;
        lock (runs)
        {
            remaining = [.. runs];
        }

        if (remaining.Length > 0)
        {
            var all = Task.WhenAll(remaining);
            await Task.WhenAny(all, Task.Delay(options.ShutdownGrace, time, CancellationToken.None)).ConfigureAwait(false);
            await hardStop.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes a slot for a flow about to be started in this process, if the worker runs and is idle (its last claim
    /// round came back short, nothing woke it since and no flow it knows of has become due) and a slot stays free
    /// beside it for a flow waiting unseen (created elsewhere, not yet told). Else the flow goes through the store
    /// and a claim round, where priorities and due times order it.
    /// </summary>
    internal bool TryReserve()
    {
        lock (runs)
        {
            if (closed || Active + 1 >= options.Concurrency || idleSignal is not { IsCompleted: false } || engine.Time.GetUtcNow() >= idleUntil)
            {
                return false;
            }

            Interlocked.Increment(ref active);
            reserved++;
            return true;
        }
    }

    /// <summary>Runs a flow leased to this worker at its start, in the slot <see cref="TryReserve"/> took.</summary>
    internal void HandOver(Storage.ClaimedFlow flow) => HandOver(flow, null);

    /// <summary>Runs a flow stored leased to this worker with its first round taken, in the slot <see cref="TryReserve"/> took.</summary>
    internal void HandOver(FirstRound first) => HandOver(null, first);

    private void HandOver(Storage.ClaimedFlow? flow, FirstRound? first)
    {
        Diagnostics.FlowMachineDiagnostics.FlowActivated(1);
        var run = RunOneAsync(flow, first, yieldFirst: false, hardStopToken);
        lock (runs)
        {
            runs.Add(run);
            Released();
        }
    }

    /// <summary>Gives back a slot <see cref="TryReserve"/> took when the flow was not started after all.</summary>
    internal void Unreserve()
    {
        Interlocked.Decrement(ref active);
        lock (runs)
        {
            Released();
        }

        finished.Notify();
    }

    private void Released()
    {
        if (--reserved == 0 && closed)
        {
            handedOver.TrySetResult();
        }
    }

    private async Task RunOneAsync(Storage.ClaimedFlow? flow, FirstRound? first, bool yieldFirst, CancellationToken stop)
    {
        try
        {
            if (yieldFirst)
            {
                await Task.Yield();
            }

            await engine.RunClaimedAsync(flow, tick: false, stop, first).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref active);
            Diagnostics.FlowMachineDiagnostics.FlowActivated(-1);
            finished.Notify();
        }
    }
}
