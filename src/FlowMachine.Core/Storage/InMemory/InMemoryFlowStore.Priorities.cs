using FlowMachine.Routing;

namespace FlowMachine.Storage.InMemory;

// Priorities: unleased due flows of priority 0 sit in `ready`; those of any other priority in one set per
// priority, so a claim takes the due flows of each priority in turn (highest first) without looking at
// flows that are not due, and a store where every flow has priority 0 claims exactly as before.
public sealed partial class InMemoryFlowStore
{
    // Unleased flows with NextRunAt and a priority other than 0, by priority (highest first), each by NextRunAt.
    private readonly SortedDictionary<int, SortedSet<(long Ticks, string Id)>> ranked =
        new(Comparer<int>.Create(static (a, b) => b.CompareTo(a)));

    /// <summary>Claim order: higher priority first, then the oldest due time, then the id.</summary>
    private static int ClaimOrder(InMemoryFlowEntry a, InMemoryFlowEntry b)
    {
        var byPriority = b.Flow.Priority.CompareTo(a.Flow.Priority);
        return byPriority != 0 ? byPriority : DueKeyComparer.Instance.Compare(
            (a.Flow.NextRunAt!.Value.UtcTicks, a.Flow.Id), (b.Flow.NextRunAt!.Value.UtcTicks, b.Flow.Id));
    }

    /// <summary>The unleased-flow index of <paramref name="priority"/>.</summary>
    private SortedSet<(long Ticks, string Id)> ReadySet(int priority)
    {
        if (priority == 0)
        {
            return ready;
        }

        if (!ranked.TryGetValue(priority, out var set))
        {
            set = new SortedSet<(long Ticks, string Id)>(DueKeyComparer.Instance);
            ranked.Add(priority, set);
        }

        return set;
    }

    /// <summary>Takes the flow out of the index it sits in.</summary>
    private void Unindex(InMemoryFlowEntry entry, (long Ticks, string Id) key)
    {
        if (entry.InLeasedIndex)
        {
            leased.Remove(key);
            return;
        }

        var priority = entry.Flow.Priority;
        var set = ReadySet(priority);
        set.Remove(key);
        if (priority != 0 && set.Count == 0)
        {
            ranked.Remove(priority);
        }
    }

    /// <summary>Adds due unleased flows to <paramref name="picked"/> until it holds <paramref name="max"/>: priorities above 0, then 0, then below.</summary>
    private void PickDue(List<InMemoryFlowEntry> picked, int max, RouteSet? routes, long nowTicks)
    {
        if (ranked.Count == 0)
        {
            PickDue(ready, picked, max, routes, nowTicks);
            return;
        }

        foreach (var (priority, set) in ranked)
        {
            if (priority > 0)
            {
                PickDue(set, picked, max, routes, nowTicks);
            }
        }

        PickDue(ready, picked, max, routes, nowTicks);
        foreach (var (priority, set) in ranked)
        {
            if (priority < 0)
            {
                PickDue(set, picked, max, routes, nowTicks);
            }
        }
    }

    private void PickDue(SortedSet<(long Ticks, string Id)> set, List<InMemoryFlowEntry> picked, int max, RouteSet? routes, long nowTicks)
    {
        if (picked.Count == max)
        {
            return;
        }

        foreach (var (ticks, id) in set)
        {
            if (ticks > nowTicks || picked.Count == max)
            {
                break;
            }

            var entry = flows[id];
            if (Accepts(routes, entry.Flow.Route))
            {
                picked.Add(entry);
            }
        }
    }

    /// <summary>The earliest due time among unleased flows of a priority other than 0, in ticks.</summary>
    private long? NextRankedDue(RouteSet? routes)
    {
        long? ticks = null;
        foreach (var set in ranked.Values)
        {
            foreach (var (first, id) in set)
            {
                if (Accepts(routes, flows[id].Flow.Route))
                {
                    ticks = ticks is null || first < ticks ? first : ticks;
                    break;
                }
            }
        }

        return ticks;
    }
}
