namespace FlowMachine.Storage.InMemory;

// Flow control: concurrency slots with their waiters, and rate tokens.
public sealed partial class InMemoryFlowStore
{
    private readonly Dictionary<string, List<HeldSlot>> heldSlots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SlotWaiter>> waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<long>> tokens = new(StringComparer.Ordinal);
    private long waiterSeq;

    /// <inheritdoc/>
    public ValueTask<bool> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(AcquireLocked(request));
        }
    }

    /// <inheritdoc/>
    public bool TakesLimitsInCommit => true;

    private bool AcquireLocked(SlotRequest request)
    {
        var held = heldSlots.TryGetValue(request.Key, out var list) ? list : heldSlots[request.Key] = [];
        held.RemoveAll(s => s.ExpiresAt <= request.Now.UtcTicks);
        var mine = held.Find(s => s.FlowId == request.FlowId && s.StepKey == request.StepKey);
        if (mine is null && held.Count >= request.Limit)
        {
            var queue = waiters.TryGetValue(request.Key, out var w) ? w : waiters[request.Key] = [];
            if (!queue.Exists(x => x.FlowId == request.FlowId))
            {
                queue.Add(new SlotWaiter(request.FlowId, ++waiterSeq, request.Limit));
            }

            return false;
        }

        if (mine is null)
        {
            held.Add(mine = new HeldSlot(request.FlowId, request.StepKey));
        }

        mine.Owner = request.Owner;
        mine.ExpiresAt = request.ExpiresAt.UtcTicks;
        if (waiters.TryGetValue(request.Key, out var queued))
        {
            queued.RemoveAll(x => x.FlowId == request.FlowId);
        }

        return true;
    }

    /// <inheritdoc/>
    public ValueTask ReleaseSlotsAsync(string flowId, IReadOnlyList<LimitSlot> slots, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            _ = ReleaseLocked(flowId, slots, now);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RenewSlotsAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        cancellationToken.ThrowIfCancellationRequested();
        var ids = flowIds.ToHashSet(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var list in heldSlots.Values)
            {
                foreach (var slot in list)
                {
                    if (slot.Owner == owner && ids.Contains(slot.FlowId))
                    {
                        slot.ExpiresAt = expiresAt.UtcTicks;
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> TakeTokenAsync(string key, int limit, TimeSpan per, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(TakeTokenLocked(key, limit, per, now));
        }
    }

    private DateTimeOffset? TakeTokenLocked(LimitAsk ask, DateTimeOffset now) => TakeTokenLocked(ask.Key, ask.Limit, ask.Per!.Value, now);

    private DateTimeOffset? TakeTokenLocked(string key, int limit, TimeSpan per, DateTimeOffset now)
    {
        var taken = tokens.TryGetValue(key, out var list) ? list : tokens[key] = [];
        var from = now.UtcTicks - per.Ticks;
        // Back in the bucket: the tokens are kept in the order they were taken, so the expired ones are the first.
        var expired = 0;
        while (expired < taken.Count && taken[expired] <= from)
        {
            expired++;
        }

        taken.RemoveRange(0, expired);
        if (taken.Count >= limit)
        {
            // Sorted by time taken: the one that comes back first frees the next token.
            return new DateTimeOffset(taken[taken.Count - limit] + per.Ticks, TimeSpan.Zero);
        }

        taken.Add(Math.Max(now.UtcTicks, taken.Count == 0 ? 0 : taken[^1]));
        return null;
    }

    /// <inheritdoc/>
    public ValueTask<int> CountSlotsAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(heldSlots.TryGetValue(key, out var list) ? list.Count(s => s.ExpiresAt > now.UtcTicks) : 0);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ExpireSlotsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var woke = false;
            foreach (var (key, list) in heldSlots)
            {
                if (list.RemoveAll(s => s.ExpiresAt <= now.UtcTicks) > 0)
                {
                    woke |= WakeOldest(key, now);
                }
            }

            return ValueTask.FromResult(woke);
        }
    }

    /// <summary>
    /// The flow ended or is deleted: its slots are freed (waking the oldest waiter of each freed key at
    /// <paramref name="now"/>; none when null) and it waits for no key any more. True when a waiter was made due.
    /// </summary>
    private bool DropLimitsLocked(string flowId, DateTimeOffset? now)
    {
        var woke = false;
        Predicate<SlotWaiter> waiter = w => w.FlowId == flowId;
        foreach (var queue in waiters.Values)
        {
            if (queue.Count > 0)
            {
                queue.RemoveAll(waiter);
            }
        }

        Predicate<HeldSlot> slot = s => s.FlowId == flowId;
        foreach (var (key, list) in heldSlots)
        {
            if (list.Count > 0 && list.RemoveAll(slot) > 0 && now is { } at)
            {
                woke |= WakeOldest(key, at);
            }
        }

        return woke;
    }

    /// <summary>Frees the slots; true when a waiter was made due.</summary>
    private bool ReleaseLocked(string flowId, IReadOnlyList<LimitSlot> released, DateTimeOffset now)
    {
        var woke = false;
        foreach (var slot in released)
        {
            if (heldSlots.TryGetValue(slot.Key, out var list) && list.RemoveAll(s => s.FlowId == flowId && s.StepKey == slot.StepKey) > 0)
            {
                woke |= WakeOldest(slot.Key, now);
            }
        }

        return woke;
    }

    private bool WakeOldest(string key, DateTimeOffset now)
    {
        if (!waiters.TryGetValue(key, out var queue))
        {
            return false;
        }

        while (queue.Count > 0)
        {
            var first = queue[0];
            queue.RemoveAt(0);
            if (flows.TryGetValue(first.FlowId, out var entry) && entry.Flow.NextRunAt is not null && !entry.Flow.State.IsTerminal())
            {
                MakeDueAndReindex(entry, now);
                return true;
            }
        }

        return false;
    }

    /// <summary>A flow that waits for a slot and was woken, or whose key has a free slot, before its commit: due now.</summary>
    private bool RecheckSlotWait(InMemoryFlowEntry entry, DateTimeOffset now)
    {
        var waits = false;
        foreach (var (key, queue) in waiters)
        {
            var me = queue.Find(w => w.FlowId == entry.Flow.Id);
            if (me is null)
            {
                continue;
            }

            waits = true;
            var held = heldSlots.TryGetValue(key, out var list) ? list.Count(s => s.ExpiresAt > now.UtcTicks) : 0;
            if (held < me.Limit)
            {
                MakeDueAndReindex(entry, now);
                return true;
            }
        }

        if (!waits && entry.Flow.NextRunAt is not null)
        {
            MakeDueAndReindex(entry, now);
            return true;
        }

        return false;
    }

    private sealed class HeldSlot(string flowId, string stepKey)
    {
        public string FlowId { get; } = flowId;
        public string StepKey { get; } = stepKey;
        public string? Owner { get; set; }
        public long ExpiresAt { get; set; }
    }

    private sealed record SlotWaiter(string FlowId, long Seq, int Limit);
}
