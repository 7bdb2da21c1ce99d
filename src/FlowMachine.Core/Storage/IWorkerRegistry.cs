namespace FlowMachine.Storage;

/// <summary>
/// The workers' registry: each worker registers itself (its queues and task types) and beats its heartbeat, so that
/// operators, the API and the dashboard see which pools are live and which queues wait for a worker.
/// </summary>
public interface IWorkerRegistry
{
    /// <summary>Adds the worker or replaces its row (same <see cref="WorkerRecord.Id"/>).</summary>
    ValueTask RegisterWorkerAsync(WorkerRecord worker, CancellationToken cancellationToken);

    /// <summary>Sets the worker's heartbeat. Returns false when it is not registered (removed as dead meanwhile).</summary>
    ValueTask<bool> BeatWorkerAsync(string workerId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes the worker (a clean stop).</summary>
    ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken);

    /// <summary>Removes workers whose last heartbeat is before <paramref name="before"/>; returns how many.</summary>
    ValueTask<int> RemoveWorkersSilentSinceAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Every registered worker, by id.</summary>
    ValueTask<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Clears the route (and <see cref="FlowRecord.RouteDeadline"/>) of every unleased flow whose route deadline is at
    /// or before <paramref name="now"/>, so that any worker claims it (and fails the step past its
    /// <c>schedule_to_start</c>); wakes listening workers where it can. Called with the workers' heartbeat.
    /// </summary>
    /// <returns>How many flows had their route cleared.</returns>
    ValueTask<int> ReleaseOverdueRoutesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The flows due at <paramref name="now"/> and not leased (nor held), counted by route.</summary>
    ValueTask<IReadOnlyList<RouteDepth>> GetRouteDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
