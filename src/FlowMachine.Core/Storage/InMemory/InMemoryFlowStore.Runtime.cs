using System.Text.Json.Nodes;
using FlowMachine.Routing;

namespace FlowMachine.Storage.InMemory;

// The runtime role (IFlowRuntimeStore): creating, claiming, leasing and committing flows, and input from outside.
public sealed partial class InMemoryFlowStore
{
    /// <inheritdoc/>
    public ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (flow.Flow.Key is { } key && idsByKey.TryGetValue(key, out var existingId))
            {
                return ValueTask.FromResult(new CreateFlowResult(flows[existingId].Flow.Clone(), false));
            }

            ValidateNewFlow(flow, []);
            Insert(flow);
            return ValueTask.FromResult(new CreateFlowResult(flow.Flow.Clone(), true));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Enqueue(flowId, kind, stepKey, payload, actor, now, null, cancellationToken).Found);

    /// <inheritdoc/>
    public ValueTask<QueuedCommand> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CommandClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return ValueTask.FromResult(Enqueue(flowId, kind, stepKey, payload, actor, now, claim, cancellationToken));
    }

    /// <summary>Queues the command and, with <paramref name="claim"/>, claims the flow in the same step, as a claim round would.</summary>
    private QueuedCommand Enqueue(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CommandClaim? claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return new QueuedCommand(false, null);
            }

            entry.Commands.Add(new FlowCommand(++nextCommandId, flowId, kind, stepKey, payload?.DeepClone(), actor, now));
            MakeDueAndReindex(entry, now);
            return new QueuedCommand(true, claim is not null && Claimable(entry.Flow, null, claim.Routes, now) ? Lease(entry, claim.Owner, now + claim.Lease) : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return ValueTask.FromResult(false);
            }

            entry.Events.Add(new FlowEvent(++nextEventId, flowId, name, value?.DeepClone(), now));
            MakeDueAndReindex(entry, now);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimDueAsync(owner, max, null, now, lease, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        cancellationToken.ThrowIfCancellationRequested();
        if (max <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ClaimedFlow>>([]);
        }

        var nowTicks = now.UtcTicks;
        lock (gate)
        {
            // Candidates: the first unleased due flows by priority, then due time, plus every flow whose lease
            // has expired (few: only dead workers leave those). Then the highest priority and oldest NextRunAt win.
            var picked = new List<InMemoryFlowEntry>(Math.Min(max, 64));
            PickDue(picked, max, routes, nowTicks);

            foreach (var (ticks, id) in leased)
            {
                if (ticks > nowTicks)
                {
                    break;
                }

                picked.Add(flows[id]);
            }

            picked.Sort(ClaimOrder);
            if (picked.Count > max)
            {
                picked.RemoveRange(max, picked.Count - max);
            }

            var claimed = new List<ClaimedFlow>(picked.Count);
            foreach (var entry in picked)
            {
                claimed.Add(Lease(entry, owner, now + lease));
            }

            return ValueTask.FromResult<IReadOnlyList<ClaimedFlow>>(claimed);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimFlowAsync(flowId, owner, null, now, lease, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return ValueTask.FromResult<ClaimedFlow?>(null);
            }

            return ValueTask.FromResult(Claimable(entry.Flow, owner, routes, now) ? Lease(entry, owner, now + lease) : null);
        }
    }

    /// <summary>
    /// Whether a claim takes the flow: due, runnable, its route accepted, and unleased, its lease run out, or leased to
    /// <paramref name="sameOwner"/> (null: to nobody, as a claim round sees it).
    /// </summary>
    private static bool Claimable(FlowRecord flow, string? sameOwner, RouteSet? routes, DateTimeOffset now)
    {
        var due = flow.NextRunAt is { } at && at <= now;
        var free = flow.LeaseOwner is null
            || (sameOwner is not null && string.Equals(flow.LeaseOwner, sameOwner, StringComparison.Ordinal))
            || flow.LeaseExpiresAt is null
            || flow.LeaseExpiresAt <= now;
        return due && free && !flow.Suspended && !flow.RoutinePaused && Accepts(routes, flow.Route);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        cancellationToken.ThrowIfCancellationRequested();
        var lost = new List<string>();
        lock (gate)
        {
            foreach (var id in flowIds)
            {
                if (flows.TryGetValue(id, out var entry) && string.Equals(entry.Flow.LeaseOwner, owner, StringComparison.Ordinal))
                {
                    entry.Flow.LeaseExpiresAt = expiresAt;
                    Reindex(entry);
                }
                else
                {
                    lost.Add(id);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(lost);
    }

    /// <inheritdoc/>
    public ValueTask<bool> SaveProgressAsync(string flowId, string stepKey, string owner, JsonNode progress, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        cancellationToken.ThrowIfCancellationRequested();
        var copy = progress.DeepClone();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry) || !string.Equals(entry.Flow.LeaseOwner, owner, StringComparison.Ordinal)
                || !entry.Steps.TryGetValue(stepKey, out var step) || step.State != StepState.Running)
            {
                return ValueTask.FromResult(false);
            }

            (entry.Progress ??= new(StringComparer.Ordinal))[stepKey] = (copy, at);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        cancellationToken.ThrowIfCancellationRequested();
        var t = transition;
        var flowId = t.Flow.Id;
        lock (gate)
        {
            // Check everything first, then change: a refused commit must write nothing.
            if (!flows.TryGetValue(flowId, out var entry)
                || !string.Equals(entry.Flow.LeaseOwner, t.LeaseOwner, StringComparison.Ordinal))
            {
                throw new LeaseLostException(flowId, t.LeaseOwner);
            }

            ValidateTransition(entry, t);

            var stored = entry.Flow;
            // Committed nodes are never edited afterwards (IFlowRuntimeStore.CommitAsync), so sharing them is safe
            // and keeps a commit's cost independent of the size of the flow's input and data.
            var row = t.Flow.ShallowCopy();
            row.Input = stored.Input;

            // Identity columns stay as created; the lease stays unless released.
            row.Key = stored.Key;
            row.CreatedAt = stored.CreatedAt;
            row.Tags = stored.Tags;
            row.Priority = stored.Priority;
            row.TraceParent = stored.TraceParent;
            row.Attributes = FlowTags.Merge(stored.Attributes, t.Attributes);
            if (!t.DataChanged)
            {
                row.Data = stored.Data;
            }

            row.Suspended = stored.Suspended;
            row.Route = t.Release ? t.Flow.Route : null;
            row.RouteDeadline = row.Route is null ? null : t.Flow.RouteDeadline;
            if (row.RouteDeadline is not null)
            {
                routeDeadlines.Add(flowId);
            }
            row.RoutinePaused = stored.RoutinePaused;
            row.LeaseOwner = t.Release ? null : stored.LeaseOwner;
            row.LeaseExpiresAt = t.Release ? null : stored.LeaseExpiresAt;
            entry.Flow = row;

            // Indexed loops: enumerating an IReadOnlyList allocates an enumerator, at every step.
            for (var i = 0; i < t.Steps.Count; i++)
            {
                PutStep(entry, t.Steps[i]); // kept as given: committed step records are not edited afterwards
            }

            for (var i = 0; i < t.History.Count; i++)
            {
                AddHistory(entry, t.History[i]);
            }

            if (t.ConsumedCommands.Count > 0)
            {
                var consumed = t.ConsumedCommands.ToHashSet();
                entry.Commands.RemoveAll(c => consumed.Contains(c.Id));
            }

            if (t.ConsumedEvents.Count > 0)
            {
                var consumed = t.ConsumedEvents.ToHashSet();
                entry.Events.RemoveAll(e => consumed.Contains(e.Id));
            }

            Reindex(entry);

            foreach (var child in t.NewFlows)
            {
                // Like CreateFlowAsync: a child whose key is taken is not created again.
                if (child.Flow.Key is not { } key || !idsByKey.ContainsKey(key))
                {
                    Insert(child);
                }
            }

            var at = t.Flow.UpdatedAt;
            foreach (var command in t.Commands)
            {
                // A command for a flow that does not exist has no one to tell; it is dropped.
                if (flows.TryGetValue(command.FlowId, out var target))
                {
                    target.Commands.Add(new FlowCommand(++nextCommandId, command.FlowId, command.Kind, command.StepKey, command.Payload?.DeepClone(), null, at));
                    MakeDueAndReindex(target, at);
                }
            }

            if (t.Release && (entry.Commands.Count > 0 || HasEventsAfter(entry, t.KnownEventId)))
            {
                MakeDueAndReindex(entry, at);
            }
            else if (row.Route is not null)
            {
                Notify(); // the flow waits for another pool: wake its workers
            }

            var woke = t.ReleasedSlots.Count > 0 && ReleaseLocked(flowId, t.ReleasedSlots, at);

            if (t.WaitsForSlot)
            {
                woke |= RecheckSlotWait(entry, at);
            }

            if (t.EndsLimits)
            {
                woke |= DropLimitsLocked(flowId, at);
            }

            if (t.EndedKeyedWaits.Count > 0 || t.KeyedWaits.Count > 0)
            {
                woke |= ApplyKeyedWaitsLocked(entry, t, at);
            }

            var taken = t.LimitTakes.Count == 0 ? null : LimitTakes.Apply(this, t, static (s, r) => s.AcquireLocked(r), static (s, a, now) => s.TakeTokenLocked(a, now));
            return ValueTask.FromResult(new CommitResult(entry.Commands.Count > 0) { WokeWaiter = woke, LimitsTaken = taken });
        }
    }

    // A loop, not a lambda: a lambda capturing the transition would allocate its closure at every commit.
    private static bool HasEventsAfter(InMemoryFlowEntry entry, long knownEventId)
    {
        foreach (var e in entry.Events)
        {
            if (e.Id > knownEventId)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<FlowCommand> list = flows.TryGetValue(flowId, out var entry) ? [.. entry.Commands.Select(CopyCommand)] : [];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken) => GetNextDueAsync(null, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextDueAsync(RouteSet? routes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            long? ticks = null;
            foreach (var (at, id) in ready)
            {
                if (Accepts(routes, flows[id].Flow.Route))
                {
                    ticks = at;
                    break;
                }
            }

            if (ranked.Count > 0 && NextRankedDue(routes) is { } first && (ticks is null || first < ticks))
            {
                ticks = first;
            }

            if (leased.Count > 0 && (ticks is null || leased.Min.Ticks < ticks))
            {
                ticks = leased.Min.Ticks;
            }

            return ValueTask.FromResult(ticks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : (DateTimeOffset?)null);
        }
    }

    private void ValidateNewFlow(NewFlow flow, HashSet<string> alsoTaken)
    {
        var id = flow.Flow.Id;
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (flows.ContainsKey(id) || !alsoTaken.Add(id))
        {
            throw new InvalidOperationException($"A flow with id '{id}' already exists.");
        }

        ValidateChildRows(id, flow.Steps, flow.History, stored: null);
    }

    private void ValidateTransition(InMemoryFlowEntry entry, FlowTransition t)
    {
        // History is kept sorted by seq: a binary search finds a taken seq without scanning the flow's history.
        ValidateChildRows(entry.Flow.Id, t.Steps, t.History, entry.History);
        if (t.NewFlows.Count == 0)
        {
            return;
        }

        var newIds = new HashSet<string>(StringComparer.Ordinal);
        var newKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in t.NewFlows)
        {
            if (child.Flow.Key is { } key && (idsByKey.ContainsKey(key) || !newKeys.Add(key)))
            {
                continue;
            }

            ValidateNewFlow(child, newIds);
        }
    }

    private static void ValidateChildRows(string flowId, IReadOnlyList<StepRecord> steps, IReadOnlyList<HistoryEvent> history, List<HistoryEvent>? stored)
    {
        // A transition holds a few events: comparing pairs is cheaper than a set.
        var fresh = history.Count > 16 ? new HashSet<long>() : null;
        for (var i = 0; i < steps.Count; i++)
        {
            RowOwnership.CheckStep(flowId, steps[i]);
        }

        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            RowOwnership.CheckHistory(flowId, e);
            if (IsTaken(stored, e.Seq) || (fresh is not null ? !fresh.Add(e.Seq) : SeenBefore(history, e)))
            {
                throw new InvalidOperationException($"Flow '{flowId}' already has a history event with seq {e.Seq}.");
            }
        }
    }

    private static bool IsTaken(List<HistoryEvent>? stored, long seq)
    {
        if (stored is null)
        {
            return false;
        }

        var after = FirstAfter(stored, seq);
        return after > 0 && stored[after - 1].Seq == seq;
    }

    private static bool SeenBefore(IReadOnlyList<HistoryEvent> history, HistoryEvent e)
    {
        for (var i = 0; i < history.Count && !ReferenceEquals(history[i], e); i++)
        {
            if (history[i].Seq == e.Seq)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Accepts(RouteSet? routes, string? route) => route is null || routes is null || routes.Contains(route);

    private ClaimedFlow Lease(InMemoryFlowEntry entry, string owner, DateTimeOffset expiresAt)
    {
        entry.Flow.Route = null;
        entry.Flow.RouteDeadline = null;
        entry.Flow.LeaseOwner = owner;
        entry.Flow.LeaseExpiresAt = expiresAt;
        Reindex(entry);
        return new ClaimedFlow(
            entry.Flow.Clone(),
            CopySteps(entry),
            [.. entry.Commands.Select(CopyCommand)],
            [.. entry.Events.Select(e => e with { Value = e.Value?.DeepClone() })],
            entry.LastSeq);
    }
}
