namespace FlowMachine.Storage.InMemory;

/// <summary>
/// A flow store in process memory, for tests and embedding. Everything is lost when the process ends.
/// One lock guards all state; the due and lease indexes keep claiming at O(log n) per claimed flow.
/// </summary>
public sealed partial class InMemoryFlowStore : IFlowStore, IStoreNotifications
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, InMemoryFlowEntry> flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> idsByKey = new(StringComparer.Ordinal);

    // Flows with NextRunAt, no lease and priority 0, by NextRunAt (other priorities: `ranked`).
    private readonly SortedSet<(long Ticks, string Id)> ready = new(DueKeyComparer.Instance);

    // Flows with NextRunAt and a lease, by when they become claimable: max(NextRunAt, LeaseExpiresAt).
    private readonly SortedSet<(long Ticks, string Id)> leased = new(DueKeyComparer.Instance);

    // Newest-first listing walks this backwards.
    private readonly SortedSet<(long Ticks, string Id)> byCreated = new(DueKeyComparer.Instance);
    private readonly Dictionary<string, (string FlowId, string StepKey)> resumeTokens = new(StringComparer.Ordinal);

    // Tokens taken by ConsumeResumeTokenAsync: a later commit that still carries one cannot revive it.
    private readonly Dictionary<string, string> usedResumeTokens = new(StringComparer.Ordinal); // token → flow id
    private readonly SortedDictionary<string, List<RoutineRecord>> routines = new(StringComparer.Ordinal);
    private long nextCommandId;
    private long nextEventId;

    /// <inheritdoc/>
    public ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    private void Insert(NewFlow flow)
    {
        var row = flow.Flow.Clone();
        row.Tags = [.. row.Tags];
        row.Attributes = row.Attributes.Count == 0 ? FlowTags.NoAttributes : FlowTags.Merge(FlowTags.NoAttributes, row.Attributes);
        row.Suspended = false;
        row.Route = null;
        row.RoutinePaused = row.Routine is { } routine && pausedRoutines.ContainsKey(routine);
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
        entry.Flow.Route = null; // input any worker applies
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
        var held = flow.Suspended || flow.RoutinePaused; // in neither index: never claimed, never due
        if (!held && entry.IndexKey is { } same && flow.NextRunAt is { } at && entry.InLeasedIndex == flow.LeaseOwner is not null
            && same == (flow.LeaseOwner is null ? at.UtcTicks : Math.Max(at.UtcTicks, (flow.LeaseExpiresAt ?? DateTimeOffset.MinValue).UtcTicks), flow.Id))
        {
            return; // a step that changes neither when the flow is due nor its lease keeps its place
        }

        if (entry.IndexKey is { } old)
        {
            Unindex(entry, old);
            entry.IndexKey = null;
        }

        if (held || flow.NextRunAt is not { } next)
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
            ReadySet(flow.Priority).Add(key);
            entry.IndexKey = key;
            entry.InLeasedIndex = false;
        }
    }

    private static List<StepRecord> CopySteps(InMemoryFlowEntry entry) =>
        [.. entry.Steps.Values.OrderBy(s => s.Index).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => WithProgress(entry, s.Clone()))];

    private static StepRecord WithProgress(InMemoryFlowEntry entry, StepRecord copy)
    {
        if (entry.Progress is { } progress && progress.TryGetValue(copy.Key, out var p))
        {
            copy.Progress = p.Progress.DeepClone();
            copy.ProgressAt = p.At;
        }

        return copy;
    }

    private static HistoryEvent CopyEvent(HistoryEvent e) => e with { Detail = e.Detail?.DeepClone() };

    private static FlowCommand CopyCommand(FlowCommand c) => c with { Payload = c.Payload?.DeepClone() };
}
