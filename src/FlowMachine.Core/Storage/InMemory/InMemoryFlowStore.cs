using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowMachine.Storage.InMemory;

/// <summary>
/// A flow store in process memory, for tests and embedding. Everything is lost when the process ends.
/// One lock guards all state; the due and lease indexes keep claiming at O(log n) per claimed flow.
/// </summary>
public sealed class InMemoryFlowStore : IFlowStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, InMemoryFlowEntry> flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> idsByKey = new(StringComparer.Ordinal);

    // Flows with NextRunAt and no lease, by NextRunAt.
    private readonly SortedSet<(long Ticks, string Id)> ready = new(DueKeyComparer.Instance);

    // Flows with NextRunAt and a lease, by when they become claimable: max(NextRunAt, LeaseExpiresAt).
    private readonly SortedSet<(long Ticks, string Id)> leased = new(DueKeyComparer.Instance);

    // Newest-first listing walks this backwards.
    private readonly SortedSet<(long Ticks, string Id)> byCreated = new(DueKeyComparer.Instance);
    private readonly Dictionary<string, (string FlowId, string StepKey)> resumeTokens = new(StringComparer.Ordinal);

    // Tokens taken by ConsumeResumeTokenAsync: a later commit that still carries one cannot revive it.
    private readonly HashSet<string> usedResumeTokens = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, List<RoutineRecord>> routines = new(StringComparer.Ordinal);
    private long nextCommandId;
    private long nextEventId;

    /// <inheritdoc/>
    public ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    // Routines -------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specJson);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!routines.TryGetValue(name, out var versions))
            {
                versions = [];
                routines.Add(name, versions);
            }

            if (versions.Count > 0 && string.Equals(versions[^1].SpecJson, specJson, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(versions[^1]);
            }

            var record = new RoutineRecord(name, versions.Count + 1, specJson, owner, now);
            versions.Add(record);
            return ValueTask.FromResult(record);
        }
    }

    /// <inheritdoc/>
    public ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            RoutineRecord? found = null;
            if (routines.TryGetValue(name, out var versions) && versions.Count > 0)
            {
                // Versions are 1..n without gaps, so the version is the list index plus one.
                found = version is null ? versions[^1]
                    : version >= 1 && version <= versions.Count ? versions[version.Value - 1]
                    : null;
            }

            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<RoutineRecord> list = [.. routines.Values.Where(v => v.Count > 0).Select(v => v[^1])];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<RoutineRecord> list = routines.TryGetValue(name, out var versions) ? [.. versions] : [];
            return ValueTask.FromResult(list);
        }
    }

    // Flows ----------------------------------------------------------------------------------

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
    public ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var after = query.After is null ? ((long Ticks, string Id)?)null : DecodeCursor(query.After);
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

            var next = more ? EncodeCursor(items[^1].CreatedAt.UtcTicks, items[^1].Id) : null;
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

    // Outside input --------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return ValueTask.FromResult(false);
            }

            entry.Commands.Add(new FlowCommand(++nextCommandId, flowId, kind, stepKey, payload?.DeepClone(), actor, now));
            MakeDueAndReindex(entry, now);
            return ValueTask.FromResult(true);
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
    public ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // The index may still point at a step that moved on; only a waiting step counts.
            return ValueTask.FromResult(FindWaitingStep(token) is { } found ? ((string, string)?)(found.FlowId, found.Step.Key) : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (FindWaitingStep(token) is not { } found)
            {
                return ValueTask.FromResult(ResumeTokenUse.NotFound);
            }

            if (found.Step.StartedAt is { } started && now - started >= lifetime)
            {
                return ValueTask.FromResult(new ResumeTokenUse(ResumeTokenStatus.Expired, found.FlowId, found.Step.Key));
            }

            usedResumeTokens.Add(token);
            resumeTokens.Remove(token);

            // Replaced, not edited: records already handed out must not change under their holders.
            var cleared = found.Step.ShallowCopy();
            cleared.ResumeToken = null;
            flows[found.FlowId].Steps[cleared.Key] = cleared;
            return ValueTask.FromResult(new ResumeTokenUse(ResumeTokenStatus.Consumed, found.FlowId, cleared.Key));
        }
    }

    /// <summary>The waiting step holding an unused token; call under the lock.</summary>
    private (string FlowId, StepRecord Step)? FindWaitingStep(string token)
    {
        // The index may still point at a step that moved on; only a waiting step counts.
        if (!usedResumeTokens.Contains(token)
            && resumeTokens.TryGetValue(token, out var hit)
            && flows.TryGetValue(hit.FlowId, out var entry)
            && entry.Steps.TryGetValue(hit.StepKey, out var step)
            && step.State == StepState.Waiting
            && string.Equals(step.ResumeToken, token, StringComparison.Ordinal))
        {
            return (hit.FlowId, step);
        }

        return null;
    }

    // Claiming -------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
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
            // Candidates: the oldest unleased due flows, plus every flow whose lease has expired
            // (few: only dead workers leave those). Then the oldest NextRunAt wins.
            var picked = new List<InMemoryFlowEntry>(Math.Min(max, 64));
            foreach (var (ticks, id) in ready)
            {
                if (ticks > nowTicks || picked.Count == max)
                {
                    break;
                }

                picked.Add(flows[id]);
            }

            foreach (var (ticks, id) in leased)
            {
                if (ticks > nowTicks)
                {
                    break;
                }

                picked.Add(flows[id]);
            }

            if (picked.Count > max)
            {
                picked.Sort((a, b) => DueKeyComparer.Instance.Compare(
                    (a.Flow.NextRunAt!.Value.UtcTicks, a.Flow.Id), (b.Flow.NextRunAt!.Value.UtcTicks, b.Flow.Id)));
                picked.RemoveRange(max, picked.Count - max);
            }

            var claimed = new List<ClaimedFlow>(picked.Count);
            foreach (var entry in picked)
            {
                claimed.Add(Lease(entry, owner, now + lease));
            }

            claimed.Sort((a, b) => DueKeyComparer.Instance.Compare(
                (a.Flow.NextRunAt!.Value.UtcTicks, a.Flow.Id), (b.Flow.NextRunAt!.Value.UtcTicks, b.Flow.Id)));
            return ValueTask.FromResult<IReadOnlyList<ClaimedFlow>>(claimed);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return ValueTask.FromResult<ClaimedFlow?>(null);
            }

            var flow = entry.Flow;
            var due = flow.NextRunAt is { } at && at <= now;
            var free = flow.LeaseOwner is null
                || string.Equals(flow.LeaseOwner, owner, StringComparison.Ordinal)
                || flow.LeaseExpiresAt is null
                || flow.LeaseExpiresAt <= now;
            return ValueTask.FromResult(due && free ? Lease(entry, owner, now + lease) : null);
        }
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
            if (!t.DataChanged)
            {
                row.Data = stored.Data;
            }

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

            return ValueTask.FromResult(new CommitResult(entry.Commands.Count > 0));
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
    public ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            long? ticks = null;
            if (ready.Count > 0)
            {
                ticks = ready.Min.Ticks;
            }

            if (leased.Count > 0 && (ticks is null || leased.Min.Ticks < ticks))
            {
                ticks = leased.Min.Ticks;
            }

            return ValueTask.FromResult(ticks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : (DateTimeOffset?)null);
        }
    }

    // Helpers (all called under the lock) -----------------------------------------------------

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
            var step = steps[i];
            if (!string.Equals(step.FlowId, flowId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Step '{step.Key}' belongs to flow '{step.FlowId}', not to flow '{flowId}' being written.");
            }
        }

        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            if (!string.Equals(e.FlowId, flowId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"History event {e.Seq} belongs to flow '{e.FlowId}', not to flow '{flowId}' being written.");
            }

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

    private void Insert(NewFlow flow)
    {
        var row = flow.Flow.Clone();
        var entry = new InMemoryFlowEntry(row);
        flows.Add(row.Id, entry);
        if (row.Key is { } key)
        {
            idsByKey.Add(key, row.Id);
        }

        byCreated.Add((row.CreatedAt.UtcTicks, row.Id));
        foreach (var step in flow.Steps)
        {
            PutStep(entry, step.Clone());
        }

        foreach (var e in flow.History)
        {
            AddHistory(entry, CopyEvent(e));
        }

        Reindex(entry);
    }

    private void PutStep(InMemoryFlowEntry entry, StepRecord step)
    {
        if (entry.Steps.TryGetValue(step.Key, out var old) && old.ResumeToken is { } oldToken
            && resumeTokens.TryGetValue(oldToken, out var hit) && hit.FlowId == entry.Flow.Id && hit.StepKey == step.Key)
        {
            resumeTokens.Remove(oldToken);
        }

        entry.Steps[step.Key] = step;
        if (step.ResumeToken is { } token)
        {
            resumeTokens[token] = (entry.Flow.Id, step.Key);
        }
    }

    private static void AddHistory(InMemoryFlowEntry entry, HistoryEvent e)
    {
        var list = entry.History;
        if (list.Count == 0 || list[^1].Seq < e.Seq)
        {
            list.Add(e);
        }
        else
        {
            list.Insert(FirstAfter(list, e.Seq), e);
        }
    }

    /// <summary>The index of the first event with Seq greater than <paramref name="seq"/>.</summary>
    private static int FirstAfter(List<HistoryEvent> list, long seq)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].Seq <= seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static void MakeDue(InMemoryFlowEntry entry, DateTimeOffset at)
    {
        if (entry.Flow.NextRunAt is null || at < entry.Flow.NextRunAt)
        {
            entry.Flow.NextRunAt = at;
        }
    }

    private void MakeDueAndReindex(InMemoryFlowEntry entry, DateTimeOffset at)
    {
        MakeDue(entry, at);
        Reindex(entry);
    }

    /// <summary>Puts the flow in the index that matches its NextRunAt and lease.</summary>
    private void Reindex(InMemoryFlowEntry entry)
    {
        var flow = entry.Flow;
        if (entry.IndexKey is { } same && flow.NextRunAt is { } at && entry.InLeasedIndex == flow.LeaseOwner is not null
            && same == (flow.LeaseOwner is null ? at.UtcTicks : Math.Max(at.UtcTicks, (flow.LeaseExpiresAt ?? DateTimeOffset.MinValue).UtcTicks), flow.Id))
        {
            return; // a step that changes neither when the flow is due nor its lease keeps its place
        }

        if (entry.IndexKey is { } old)
        {
            (entry.InLeasedIndex ? leased : ready).Remove(old);
            entry.IndexKey = null;
        }

        if (flow.NextRunAt is not { } next)
        {
            return;
        }

        if (flow.LeaseOwner is not null)
        {
            var expires = flow.LeaseExpiresAt ?? DateTimeOffset.MinValue;
            var key = (Math.Max(next.UtcTicks, expires.UtcTicks), flow.Id);
            leased.Add(key);
            entry.IndexKey = key;
            entry.InLeasedIndex = true;
        }
        else
        {
            var key = (next.UtcTicks, flow.Id);
            ready.Add(key);
            entry.IndexKey = key;
            entry.InLeasedIndex = false;
        }
    }

    private ClaimedFlow Lease(InMemoryFlowEntry entry, string owner, DateTimeOffset expiresAt)
    {
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

    private static List<StepRecord> CopySteps(InMemoryFlowEntry entry) =>
        [.. entry.Steps.Values.OrderBy(s => s.Index).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Clone())];

    private static HistoryEvent CopyEvent(HistoryEvent e) => e with { Detail = e.Detail?.DeepClone() };

    private static FlowCommand CopyCommand(FlowCommand c) => c with { Payload = c.Payload?.DeepClone() };

    private static bool Matches(FlowRecord flow, FlowQuery query) =>
        (query.State is null || flow.State == query.State)
        && (query.Routine is null || string.Equals(flow.Routine, query.Routine, StringComparison.Ordinal))
        && (query.Key is null || string.Equals(flow.Key, query.Key, StringComparison.Ordinal))
        && (query.Owner is null || string.Equals(flow.Owner, query.Owner, StringComparison.Ordinal))
        && (query.ParentFlowId is null || string.Equals(flow.ParentFlowId, query.ParentFlowId, StringComparison.Ordinal));

    private static string EncodeCursor(long ticks, string id)
    {
        var text = ticks.ToString(CultureInfo.InvariantCulture) + ":" + id;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    private static (long Ticks, string Id) DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && colon < text.Length - 1)
            {
                return (ticks, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as any other bad cursor.
        }

        throw new ArgumentException($"The paging cursor '{cursor}' is not valid: pass the Next value of a previous page unchanged.", nameof(cursor));
    }
}
