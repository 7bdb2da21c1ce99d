using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Routing;

/// <summary>
/// The workers and queues of a store, as <c>flowmachine workers</c>, <c>GET /api/v1/workers</c> and the dashboard show
/// them: every registered worker (live or not), each queue's depth and oldest due flow, and what no live worker serves.
/// </summary>
public sealed record WorkersDocument
{
    [JsonPropertyName("workers")]
    public IReadOnlyList<WorkerDocument> Workers { get; init; } = [];

    /// <summary>Queues that live workers serve or that due flows wait on, by name.</summary>
    [JsonPropertyName("queues")]
    public IReadOnlyList<QueueDocument> Queues { get; init; } = [];

    /// <summary>Due flows any worker may take (new ones, input to apply), not routed to a queue yet.</summary>
    [JsonPropertyName("unrouted")]
    public int Unrouted { get; init; }

    /// <summary>Queues that due flows wait on and no live worker serves.</summary>
    [JsonPropertyName("unservedQueues")]
    public IReadOnlyList<string> UnservedQueues { get; init; } = [];

    /// <summary>Task types that due flows wait for and no live worker has.</summary>
    [JsonPropertyName("unservedTaskTypes")]
    public IReadOnlyList<string> UnservedTaskTypes { get; init; } = [];

    /// <summary>Reads the registry and the due flows at <paramref name="now"/>.</summary>
    public static async Task<WorkersDocument> ReadAsync(IWorkerRegistry registry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var workers = await registry.ListWorkersAsync(cancellationToken).ConfigureAwait(false);
        var depths = await registry.GetRouteDepthsAsync(now, cancellationToken).ConfigureAwait(false);
        return Of(workers, depths, now);
    }

    /// <summary>The document of these workers and depths at <paramref name="now"/>.</summary>
    public static WorkersDocument Of(IReadOnlyList<WorkerRecord> workers, IReadOnlyList<RouteDepth> depths, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(depths);
        var live = WorkerPools.Live(workers, now);
        var queues = new SortedDictionary<string, (int Depth, DateTimeOffset? Oldest, SortedSet<string> Missing)>(StringComparer.Ordinal);
        foreach (var queue in live.SelectMany(w => w.Queues))
        {
            queues[queue] = (0, null, new SortedSet<string>(StringComparer.Ordinal));
        }

        var unservedTypes = new SortedSet<string>(StringComparer.Ordinal);
        var unrouted = 0;
        foreach (var depth in depths)
        {
            if (depth.Route is null)
            {
                unrouted += depth.Count;
                continue;
            }

            var (given, type) = RouteSet.Parse(depth.Route);

            // "/type": the type's default queue, as the workers that have the type know it.
            var queue = WorkerPools.QueueOf(given, type, workers);
            var entry = queues.TryGetValue(queue, out var e) ? e : (0, null, new SortedSet<string>(StringComparer.Ordinal));
            entry.Depth += depth.Count;
            entry.Oldest = entry.Oldest is { } o && o < depth.OldestDueAt ? o : depth.OldestDueAt;
            if (WorkerPools.Serving(live, queue, type) == 0)
            {
                entry.Missing.Add(type);
            }

            if (!live.Any(w => w.TaskTypes.ContainsKey(type)))
            {
                unservedTypes.Add(type);
            }

            queues[queue] = entry;
        }

        return new WorkersDocument
        {
            Workers = [.. workers.Select(w => WorkerDocument.Of(w, live.Contains(w)))],
            Queues = [.. queues.Select(q => new QueueDocument(
                q.Key,
                q.Value.Depth,
                q.Value.Oldest,
                q.Value.Oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : null,
                live.Count(w => w.Queues.Contains(q.Key)),
                [.. q.Value.Missing]))],
            Unrouted = unrouted,
            UnservedQueues = [.. queues.Where(q => q.Value.Depth > 0 && !live.Any(w => w.Queues.Contains(q.Key))).Select(q => q.Key)],
            UnservedTaskTypes = [.. unservedTypes],
        };
    }
}
