namespace FlowMachine.Storage.InMemory;

// The reads behind a diagnosis (IFlowDiagnosisStore): scans, as the in-memory store keeps no index for them.
public sealed partial class InMemoryFlowStore
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowEvent>> GetPendingEventsAsync(string flowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<FlowEvent>>(flows.TryGetValue(flowId, out var entry) ? [.. entry.Events] : []);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SlotHolder>> ListSlotHoldersAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<SlotHolder> holders = heldSlots.TryGetValue(key, out var list)
                ? [.. list.Where(s => s.ExpiresAt > now.UtcTicks)
                    .OrderBy(s => s.FlowId, StringComparer.Ordinal).ThenBy(s => s.StepKey, StringComparer.Ordinal)
                    .Select(s => new SlotHolder(s.FlowId, s.StepKey, s.Owner, new DateTimeOffset(s.ExpiresAt, TimeSpan.Zero)))]
                : [];
            return ValueTask.FromResult(holders);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowRecord>> ListOverdueFlowsAsync(OverdueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<FlowRecord>>([.. flows.Values
                .Select(e => e.Flow)
                .Where(f => !f.State.IsTerminal() && (query.Owner is null || f.Owner == query.Owner) && IsOverdue(f, query))
                .OrderBy(f => f.Id, StringComparer.Ordinal)
                .Take(query.Limit)
                .Select(f => f.Clone())]);
        }
    }

    private static bool IsOverdue(FlowRecord f, OverdueQuery query)
    {
        if (f.LeaseOwner is not null)
        {
            return f.LeaseExpiresAt <= query.Now;
        }

        return !f.Suspended && !f.RoutinePaused && f.NextRunAt is { } due
            && (due <= query.DueBefore || (f.Route is not null && due <= query.Now));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StepRecord>> ListRecoveredStepsAsync(string? owner, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<StepRecord>>([.. flows.Values
                .Where(e => e.Flow.LeaseOwner is not null && !e.Flow.State.IsTerminal() && (owner is null || e.Flow.Owner == owner))
                .OrderBy(e => e.Flow.Id, StringComparer.Ordinal)
                .SelectMany(e => e.Steps.Values.OrderBy(s => s.Index))
                .Where(s => s.Recoveries > 0 && s.State is StepState.Pending or StepState.Running)
                .Take(limit)
                .Select(s => s.Clone())]);
        }
    }
}
