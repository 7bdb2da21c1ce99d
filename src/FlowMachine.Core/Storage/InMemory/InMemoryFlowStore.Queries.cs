namespace FlowMachine.Storage.InMemory;

// The read-only role (IFlowQueryStore): flows, steps, pages, history and counts.
public sealed partial class InMemoryFlowStore
{
    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(flows.TryGetValue(flowId, out var entry) ? entry.Flow.Clone() : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(idsByKey.TryGetValue(key, out var id) ? flows[id].Flow.Clone() : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(flows.TryGetValue(flowId, out var entry) ? CopySteps(entry) : (IReadOnlyList<StepRecord>)[]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, FlowState>> GetFlowStatesAsync(IReadOnlyCollection<string> flowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        cancellationToken.ThrowIfCancellationRequested();
        var states = new Dictionary<string, FlowState>(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var id in flowIds)
            {
                if (flows.TryGetValue(id, out var entry))
                {
                    states[id] = entry.Flow.State;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, FlowState>>(states);
    }

    /// <inheritdoc/>
    public ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var limit = Math.Clamp(query.Limit, 1, 1000);
        (long Ticks, string Id)? after = null;
        if (query.After is not null)
        {
            var (ticks, afterId) = FlowCursor.Decode(query.After, signed: false);
            after = (ticks, afterId);
        }

        lock (gate)
        {
            IEnumerable<(long Ticks, string Id)> candidates;
            if (query.Key is not null)
            {
                // A key names at most one flow: no need to walk the listing index.
                candidates = idsByKey.TryGetValue(query.Key, out var id) ? [(flows[id].Flow.CreatedAt.UtcTicks, id)] : [];
                if (after is { } cursor)
                {
                    candidates = candidates.Where(c => DueKeyComparer.Instance.Compare(c, cursor) < 0);
                }
            }
            else if (after is { } cursor)
            {
                if (byCreated.Count == 0 || DueKeyComparer.Instance.Compare(byCreated.Min, cursor) >= 0)
                {
                    candidates = [];
                }
                else
                {
                    // The view is inclusive; the cursor row itself was on the previous page.
                    candidates = byCreated.GetViewBetween(byCreated.Min, cursor).Reverse()
                        .Where(c => DueKeyComparer.Instance.Compare(c, cursor) < 0);
                }
            }
            else
            {
                candidates = byCreated.Reverse();
            }

            var items = new List<FlowRecord>(Math.Min(limit, 64));
            var more = false;
            foreach (var (_, id) in candidates)
            {
                var flow = flows[id].Flow;
                if (!Matches(flow, query))
                {
                    continue;
                }

                if (items.Count == limit)
                {
                    more = true;
                    break;
                }

                items.Add(flow.Clone());
            }

            var next = more ? new FlowCursor(items[^1].CreatedAt.UtcTicks, items[^1].Id).Encode() : null;
            return ValueTask.FromResult(new FlowPage(items, next));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry) || limit <= 0)
            {
                return ValueTask.FromResult<IReadOnlyList<HistoryEvent>>([]);
            }

            var start = FirstAfter(entry.History, afterSeq);
            var count = Math.Min(limit, entry.History.Count - start);
            IReadOnlyList<HistoryEvent> page = [.. entry.History.GetRange(start, count).Select(CopyEvent)];
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var counts = Enum.GetValues<FlowState>().ToDictionary(s => s, _ => 0L);
        lock (gate)
        {
            // A full scan: counts are for dashboards and metrics, not the hot path.
            foreach (var entry in flows.Values)
            {
                if (owner is null || string.Equals(entry.Flow.Owner, owner, StringComparison.Ordinal))
                {
                    counts[entry.Flow.State]++;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<FlowState, long>>(counts);
    }

    private static bool Matches(FlowRecord flow, FlowQuery query) =>
        (query.State is null || flow.State == query.State)
        && (query.Routine is null || string.Equals(flow.Routine, query.Routine, StringComparison.Ordinal))
        && (query.Version is null || flow.RoutineVersion == query.Version)
        && (query.Key is null || string.Equals(flow.Key, query.Key, StringComparison.Ordinal))
        && (query.Owner is null || string.Equals(flow.Owner, query.Owner, StringComparison.Ordinal))
        && (query.ParentFlowId is null || string.Equals(flow.ParentFlowId, query.ParentFlowId, StringComparison.Ordinal))
        && (query.Schedule is null || string.Equals(flow.Schedule, query.Schedule, StringComparison.Ordinal))
        && MatchesFound(flow, query);

    // The search filters (tag, attribute, created range, error text).
    private static bool MatchesFound(FlowRecord flow, FlowQuery query) =>
        (query.Tag is null || flow.Tags.Contains(query.Tag, StringComparer.Ordinal))
        && (query.Attribute is not { } a || (flow.Attributes.TryGetValue(a.Key, out var value) && string.Equals(value, a.Value, StringComparison.Ordinal)))
        && (query.CreatedAfter is null || flow.CreatedAt >= query.CreatedAfter)
        && (query.CreatedBefore is null || flow.CreatedAt < query.CreatedBefore)
        && (query.Error is null || (flow.Error?.Contains(query.Error, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetOldestDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset? oldest = null;
        lock (gate)
        {
            // A full scan, like the counts: sampled every few seconds for a gauge.
            foreach (var entry in flows.Values)
            {
                var flow = entry.Flow;
                if (flow.NextRunAt is { } due && due <= now && !flow.Suspended && !flow.RoutinePaused
                    && (flow.LeaseOwner is null || flow.LeaseExpiresAt is not { } expires || expires <= now) && (oldest is null || due < oldest))
                {
                    oldest = due;
                }
            }
        }

        return ValueTask.FromResult(oldest);
    }
}
