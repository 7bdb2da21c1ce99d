namespace FlowMachine.Storage.InMemory;

// The retention role (IFlowRetentionStore): a batch is one pass under the lock.
public sealed partial class InMemoryFlowStore
{
    /// <inheritdoc/>
    public ValueTask<RetentionBatch> DeleteFlowsAsync(FlowRetentionFilter filter, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var children = ChildrenByParent();
            var roots = Candidates(filter, children).Take(Math.Max(1, batchSize)).ToList();
            int deleted = 0, childCount = 0;
            foreach (var root in roots)
            {
                if (DeletableTree(root, children) is { } tree)
                {
                    tree.ForEach(Remove);
                    deleted++;
                    childCount += tree.Count - 1;
                }
            }

            return ValueTask.FromResult(new RetentionBatch(roots.Count, deleted, childCount));
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> CountDeletableFlowsAsync(FlowRetentionFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var children = ChildrenByParent();
            return ValueTask.FromResult((long)Candidates(filter, children).Count(root => DeletableTree(root, children) is not null));
        }
    }

    /// <inheritdoc/>
    public ValueTask<FlowDeleteOutcome> DeleteFlowAsync(string flowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return ValueTask.FromResult(FlowDeleteOutcome.NotFound);
            }

            var parentRunning = entry.Flow.ParentFlowId is { } parent && flows.TryGetValue(parent, out var p) && !p.Flow.State.IsTerminal();
            if (parentRunning || DeletableTree(entry, ChildrenByParent()) is not { } tree)
            {
                return ValueTask.FromResult(FlowDeleteOutcome.NotDeletable);
            }

            tree.ForEach(Remove);
            return ValueTask.FromResult(FlowDeleteOutcome.Deleted);
        }
    }

    /// <inheritdoc/>
    public ValueTask<FlowStorageStats> GetStorageStatsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // As the relational stores read it: per terminal state the earliest created flow, then the earliest of their end times.
            var oldest = flows.Values.Where(e => e.Flow.State.IsTerminal())
                .GroupBy(e => e.Flow.State)
                .Select(g => g.MinBy(e => (e.Flow.CreatedAt.UtcTicks, e.Flow.Id), DueKeyComparer.Instance)!.Flow.UpdatedAt)
                .Select(t => (DateTimeOffset?)t)
                .DefaultIfEmpty(null)
                .Min();
            return ValueTask.FromResult(new FlowStorageStats(oldest, null));
        }
    }

    /// <inheritdoc/>
    public ValueTask ReclaimSpaceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    /// <summary>Top-level flows matching the filter that may go, with children that may go, oldest first; call under the lock.</summary>
    private IEnumerable<InMemoryFlowEntry> Candidates(FlowRetentionFilter filter, Dictionary<string, List<InMemoryFlowEntry>> children) =>
        byCreated.Select(k => flows[k.Id]).Where(e => e.Flow.ParentFlowId is null && filter.Matches(e.Flow) && Idle(e.Flow)
            && (!children.TryGetValue(e.Flow.Id, out var below) || below.TrueForAll(c => Idle(c.Flow))));

    /// <summary>Terminal, not leased and not due: nothing holds the flow or would revive it.</summary>
    private static bool Idle(FlowRecord flow) => flow.State.IsTerminal() && flow.NextRunAt is null && flow.LeaseOwner is null;

    private Dictionary<string, List<InMemoryFlowEntry>> ChildrenByParent()
    {
        var children = new Dictionary<string, List<InMemoryFlowEntry>>(StringComparer.Ordinal);
        foreach (var entry in flows.Values)
        {
            if (entry.Flow.ParentFlowId is { } parent)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(entry);
            }
        }

        return children;
    }

    /// <summary>The flow and all its descendants, or null when any of them may not be deleted.</summary>
    private static List<InMemoryFlowEntry>? DeletableTree(InMemoryFlowEntry root, Dictionary<string, List<InMemoryFlowEntry>> children)
    {
        var tree = new List<InMemoryFlowEntry> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            var flow = tree[i].Flow;
            if (!Idle(flow))
            {
                return null;
            }

            if (children.TryGetValue(flow.Id, out var below))
            {
                tree.AddRange(below);
            }
        }

        return tree;
    }

    /// <summary>Forgets the flow and everything that belongs to it; call under the lock.</summary>
    private void Remove(InMemoryFlowEntry entry)
    {
        var flow = entry.Flow;
        flows.Remove(flow.Id);
        if (flow.Key is { } key)
        {
            idsByKey.Remove(key);
        }

        byCreated.Remove((flow.CreatedAt.UtcTicks, flow.Id));
        DropLimitsLocked(flow.Id, null);
        DropKeyedWaits(entry);
        routeDeadlines.Remove(flow.Id);
        if (entry.IndexKey is { } indexed)
        {
            Unindex(entry, indexed);
        }

        foreach (var step in entry.Steps.Values)
        {
            if (step.ResumeToken is { } token && resumeTokens.TryGetValue(token, out var hit) && hit.FlowId == flow.Id)
            {
                resumeTokens.Remove(token);
            }
        }

        foreach (var used in usedResumeTokens.Where(u => u.Value == flow.Id).Select(u => u.Key).ToList())
        {
            usedResumeTokens.Remove(used);
        }
    }
}
