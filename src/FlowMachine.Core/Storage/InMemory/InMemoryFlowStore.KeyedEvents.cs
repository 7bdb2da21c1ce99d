using System.Text.Json.Nodes;

namespace FlowMachine.Storage.InMemory;

// The keyed-event role (IKeyedEventStore): waits indexed by (event, key), kept events and seen ids.
public sealed partial class InMemoryFlowStore
{
    // (event, key) → the waiting steps of flows; each flow's own keyed waits are in its entry.
    private readonly Dictionary<(string Name, string Key), HashSet<(string FlowId, string StepKey)>> keyedWaits = [];

    // The latest event of each name, key and owner ("" for an administrator's: every flow's).
    private readonly Dictionary<(string Name, string Key, string Owner), KeptEvent> keptEvents = [];
    private readonly Dictionary<(string Owner, string Id), DateTimeOffset> seenEventIds = [];
    private long keptSeq;

    /// <inheritdoc/>
    public ValueTask<KeyedEventResult> RaiseKeyedEventAsync(KeyedEvent raised, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raised);
        cancellationToken.ThrowIfCancellationRequested();
        var owner = raised.Owner ?? "";
        lock (gate)
        {
            if (raised.Id is { } id)
            {
                if (seenEventIds.TryGetValue((owner, id), out var until) && until > now)
                {
                    return ValueTask.FromResult(new KeyedEventResult(0, Duplicate: true));
                }

                seenEventIds[(owner, id)] = raised.KeepUntil;
            }

            keptEvents[(raised.Name, raised.Key, owner)] = new KeptEvent(raised.Value?.DeepClone(), ++keptSeq, raised.KeepUntil, raised.Id, now);
            var reached = 0;
            if (keyedWaits.TryGetValue((raised.Name, raised.Key), out var waits))
            {
                foreach (var (flowId, stepKey) in waits.ToList())
                {
                    var entry = flows[flowId];
                    if (raised.Owner is not null && !string.Equals(entry.Flow.Owner, raised.Owner, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    DropKeyedWait(entry, stepKey);
                    entry.Events.Add(new FlowEvent(++nextEventId, flowId, raised.Name, raised.Value?.DeepClone(), now) { Key = raised.Key });
                    MakeDueAndReindex(entry, now);
                    reached++;
                }
            }

            return ValueTask.FromResult(new KeyedEventResult(reached, Duplicate: false));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<KeyedWait>> GetKeyedWaitsAsync(string flowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<KeyedWait> waits = flows.TryGetValue(flowId, out var entry)
                ? [.. entry.KeyedWaits.Values.OrderBy(w => w.StepKey, StringComparer.Ordinal)]
                : [];
            return ValueTask.FromResult(waits);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> PurgeKeptEventsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var id in seenEventIds.Where(s => s.Value <= now).Select(s => s.Key).ToList())
            {
                seenEventIds.Remove(id);
            }

            var gone = keptEvents.Where(k => k.Value.Until <= now).Select(k => k.Key).ToList();
            foreach (var key in gone)
            {
                keptEvents.Remove(key);
            }

            return ValueTask.FromResult(gone.Count);
        }
    }

    /// <summary>The keyed waits a commit ends and begins; true when a kept event made the flow due. Call under the lock.</summary>
    private bool ApplyKeyedWaitsLocked(InMemoryFlowEntry entry, FlowTransition t, DateTimeOffset now)
    {
        for (var i = 0; i < t.EndedKeyedWaits.Count; i++)
        {
            DropKeyedWait(entry, t.EndedKeyedWaits[i]);
        }

        var woke = false;
        foreach (var wait in t.KeyedWaits)
        {
            DropKeyedWait(entry, wait.StepKey);
            if (LatestKept(wait, entry.Flow.Owner, now) is { } kept)
            {
                entry.Events.Add(new FlowEvent(++nextEventId, entry.Flow.Id, wait.EventName, kept.Value?.DeepClone(), now) { Key = wait.Key });
                MakeDueAndReindex(entry, now);
                woke = true;
                continue;
            }

            entry.KeyedWaits[wait.StepKey] = wait;
            var key = (wait.EventName, wait.Key);
            if (!keyedWaits.TryGetValue(key, out var set))
            {
                keyedWaits[key] = set = [];
            }

            set.Add((entry.Flow.Id, wait.StepKey));
        }

        return woke;
    }

    /// <summary>The latest unexpired kept event for the wait that a flow of <paramref name="owner"/> may receive.</summary>
    private KeptEvent? LatestKept(KeyedWait wait, string? owner, DateTimeOffset now)
    {
        KeptEvent? best = null;
        foreach (var scope in owner is null ? [""] : new[] { "", owner })
        {
            if (keptEvents.TryGetValue((wait.EventName, wait.Key, scope), out var kept) && kept.Until > now && (best is null || kept.Seq > best.Seq))
            {
                best = kept;
            }
        }

        return best;
    }

    private void DropKeyedWait(InMemoryFlowEntry entry, string stepKey)
    {
        if (entry.KeyedWaits.Remove(stepKey, out var wait) && keyedWaits.TryGetValue((wait.EventName, wait.Key), out var set))
        {
            set.Remove((entry.Flow.Id, stepKey));
            if (set.Count == 0)
            {
                keyedWaits.Remove((wait.EventName, wait.Key));
            }
        }
    }

    /// <summary>Drops every keyed wait of a flow that is deleted; call under the lock.</summary>
    private void DropKeyedWaits(InMemoryFlowEntry entry)
    {
        foreach (var stepKey in entry.KeyedWaits.Keys.ToList())
        {
            DropKeyedWait(entry, stepKey);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<KeptEventRecord>> ListKeptEventsAsync(KeyedEventFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<KeptEventRecord> kept = [.. keptEvents
                .Where(k => k.Value.Until > now && Matches(filter, k.Key.Name, k.Key.Key) && (filter.Owner is null || k.Key.Owner == filter.Owner))
                .OrderByDescending(k => k.Value.Seq)
                .Take(filter.Limit)
                .Select(k => new KeptEventRecord(k.Key.Name, k.Key.Key, k.Value.Value?.DeepClone(), k.Value.Id, k.Key.Owner.Length == 0 ? null : k.Key.Owner, k.Value.RaisedAt, k.Value.Until))];
            return ValueTask.FromResult(kept);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<KeyedWaitRecord>> ListKeyedWaitsAsync(KeyedEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<KeyedWaitRecord> waits = [.. keyedWaits
                .Where(w => Matches(filter, w.Key.Name, w.Key.Key))
                .SelectMany(w => w.Value.Select(f => (Wait: w.Key, Entry: flows[f.FlowId], f.StepKey)))
                .Where(w => filter.Owner is null || string.Equals(w.Entry.Flow.Owner, filter.Owner, StringComparison.Ordinal))
                .OrderBy(w => w.Wait.Name, StringComparer.Ordinal).ThenBy(w => w.Wait.Key, StringComparer.Ordinal)
                .ThenBy(w => w.Entry.Flow.Id, StringComparer.Ordinal).ThenBy(w => w.StepKey, StringComparer.Ordinal)
                .Take(filter.Limit)
                .Select(w => new KeyedWaitRecord(w.Entry.Flow.Id, w.Entry.Flow.Routine, w.StepKey, w.Wait.Name, w.Wait.Key, w.Entry.Flow.Owner,
                    w.Entry.Steps.TryGetValue(w.StepKey, out var step) ? step.StartedAt : null))];
            return ValueTask.FromResult(waits);
        }
    }

    private static bool Matches(KeyedEventFilter filter, string name, string key) =>
        (filter.Name is null || filter.Name == name) && (filter.Key is null || filter.Key == key);

    private sealed record KeptEvent(JsonNode? Value, long Seq, DateTimeOffset Until, string? Id, DateTimeOffset RaisedAt);
}
