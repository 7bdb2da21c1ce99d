using System.Diagnostics.CodeAnalysis;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Routing;

/// <summary>
/// A running worker's row in the registry (<see cref="IWorkerRegistry"/>): registered at start with its queues and task
/// types, its heartbeat beaten every <see cref="FlowMachineDefaults.Worker.Heartbeat"/>, removed at a clean stop. The
/// registry is for people and the API: a failure to write it never stops the worker. Each beat also expires the
/// concurrency slots of lost leases and lets go of routed flows past a step's <c>schedule_to_start</c>.
/// </summary>
internal sealed class WorkerPresence : IAsyncDisposable
{
    private readonly FlowEngine engine;
    private readonly WorkerRecord record;
    private readonly ITimer timer;
    private int beating;

    private WorkerPresence(FlowEngine engine)
    {
        this.engine = engine;
        var now = engine.Options.Time.GetUtcNow();
        record = new WorkerRecord
        {
            Id = engine.Options.WorkerId,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            Queues = [.. engine.Router.Served.Order(StringComparer.Ordinal)],
            TaskTypes = engine.Catalog.All.ToDictionary(t => t.Name, engine.Router.DefaultQueueOf, StringComparer.Ordinal),
            StartedAt = now,
            HeartbeatAt = now,
        };
        var period = FlowMachineDefaults.Worker.Heartbeat;
        timer = engine.Options.Time.CreateTimer(_ => _ = BeatAsync(), null, period, period);
    }

    public static async Task<WorkerPresence> StartAsync(FlowEngine engine)
    {
        var presence = new WorkerPresence(engine);
        await presence.TryAsync(async store =>
        {
            await store.RemoveWorkersSilentSinceAsync(presence.record.StartedAt - FlowMachineDefaults.Worker.ForgetAfter, CancellationToken.None).ConfigureAwait(false);
            await store.RegisterWorkerAsync(presence.record, CancellationToken.None).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return presence;
    }

    private async Task BeatAsync()
    {
        if (Interlocked.Exchange(ref beating, 1) == 1)
        {
            return;
        }

        try
        {
            await TryAsync(async store =>
            {
                var now = engine.Options.Time.GetUtcNow();
                if (!await store.BeatWorkerAsync(record.Id, now, CancellationToken.None).ConfigureAwait(false))
                {
                    await store.RegisterWorkerAsync(record with { HeartbeatAt = now }, CancellationToken.None).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

            // Flow control that needs no flow to move: slots whose holder's lease was lost wake their waiters, and
            // flows let go for a pool that did not start a step in time go to any worker, which fails the step.
            await TryAsync(async store =>
            {
                var now = engine.Time.GetUtcNow();
                var woke = await store.ExpireSlotsAsync(now, CancellationToken.None).ConfigureAwait(false);
                if (await store.ReleaseOverdueRoutesAsync(now, CancellationToken.None).ConfigureAwait(false) > 0 || woke)
                {
                    engine.Signal.Notify();
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref beating, 0);
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "The registry only informs people: a store error there must not stop the worker; the next beat tries again.")]
    private async Task TryAsync(Func<IFlowStore, Task> work)
    {
        try
        {
            await work(engine.Store).ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await timer.DisposeAsync().ConfigureAwait(false);
        await TryAsync(async store => await store.RemoveWorkerAsync(record.Id, CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
