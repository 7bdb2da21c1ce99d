namespace FlowMachine.Storage.InMemory;

// The workers' registry (IWorkerRegistry).
public sealed partial class InMemoryFlowStore
{
    private readonly SortedDictionary<string, WorkerRecord> workers = new(StringComparer.Ordinal);

    // The flows committed with a route deadline (FlowRecord.RouteDeadline), for the heartbeat to look at.
    private readonly HashSet<string> routeDeadlines = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask RegisterWorkerAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            workers[worker.Id] = worker with { Queues = [.. worker.Queues], TaskTypes = new Dictionary<string, string>(worker.TaskTypes, StringComparer.Ordinal) };
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> BeatWorkerAsync(string workerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!workers.TryGetValue(workerId, out var worker))
            {
                return ValueTask.FromResult(false);
            }

            workers[workerId] = worker with { HeartbeatAt = at };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            workers.Remove(workerId);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int> RemoveWorkersSilentSinceAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var dead = workers.Values.Where(w => w.HeartbeatAt < before).Select(w => w.Id).ToList();
            foreach (var id in dead)
            {
                workers.Remove(id);
            }

            return ValueTask.FromResult(dead.Count);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<WorkerRecord>>([.. workers.Values]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> ReleaseOverdueRoutesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var cleared = 0;
            foreach (var id in routeDeadlines.ToList())
            {
                if (!flows.TryGetValue(id, out var entry) || entry.Flow.RouteDeadline is not { } deadline)
                {
                    routeDeadlines.Remove(id);
                }
                else if (deadline <= now && entry.Flow.LeaseOwner is null)
                {
                    routeDeadlines.Remove(id);
                    cleared += entry.Flow.Route is null ? 0 : 1;
                    entry.Flow.Route = null;
                    entry.Flow.RouteDeadline = null;
                }
            }

            if (cleared > 0)
            {
                Notify();
            }

            return ValueTask.FromResult(cleared);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RouteDepth>> GetRouteDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var nowTicks = now.UtcTicks;
        lock (gate)
        {
            var depths = new Dictionary<string, (int Count, long Oldest)>(StringComparer.Ordinal);
            foreach (var (ticks, id) in ready)
            {
                if (ticks > nowTicks)
                {
                    break;
                }

                var route = flows[id].Flow.Route ?? "";
                var (count, oldest) = depths.GetValueOrDefault(route, (0, ticks));
                depths[route] = (count + 1, Math.Min(oldest, ticks));
            }

            return ValueTask.FromResult<IReadOnlyList<RouteDepth>>(
                [.. depths.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new RouteDepth(d.Key.Length == 0 ? null : d.Key, d.Value.Count, new DateTimeOffset(d.Value.Oldest, TimeSpan.Zero)))]);
        }
    }
}
