namespace FlowMachine.Storage.InMemory;

// Schedules: a small dictionary under the same lock as the flows, so a firing and its flows are one step.
public sealed partial class InMemoryFlowStore
{
    private readonly SortedDictionary<string, ScheduleRecord> schedules = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<bool> CreateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(schedules.TryAdd(schedule.Name, schedule.Clone()));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!schedules.TryGetValue(schedule.Name, out var old))
            {
                return ValueTask.FromResult(false);
            }

            var row = schedule.Clone();
            row.LastSlot = old.LastSlot;
            row.LastFlowId = old.LastFlowId;
            row.CreatedAt = old.CreatedAt;
            row.LeaseOwner = null;
            row.LeaseExpiresAt = null;
            schedules[row.Name] = row;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ScheduleRecord?> GetScheduleAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(schedules.TryGetValue(name, out var row) ? row.Clone() : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult<IReadOnlyList<ScheduleRecord>>([.. schedules.Values.Select(s => s.Clone())]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteScheduleAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult(schedules.Remove(name));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedSchedule>> ClaimDueSchedulesAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // A full scan: schedules number in the thousands, and a claim round is at most once per due time.
            var due = schedules.Values
                .Where(s => !s.Paused && !LiveLease(s, now) && (s.NextFireAt <= now || (s.BufferedSlot is not null && LastFlowEnded(s))))
                .OrderBy(s => s.BufferedSlot is not null && LastFlowEnded(s) ? now : s.NextFireAt)
                .ThenBy(s => s.Name, StringComparer.Ordinal)
                .Take(max)
                .ToList();
            return ValueTask.FromResult<IReadOnlyList<ClaimedSchedule>>([.. due.Select(s => Lease(s, owner, now, lease))]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ClaimedSchedule?> ClaimScheduleAsync(string name, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!schedules.TryGetValue(name, out var row) || (LiveLease(row, now) && row.LeaseOwner != owner))
            {
                return ValueTask.FromResult<ClaimedSchedule?>(null);
            }

            return ValueTask.FromResult<ClaimedSchedule?>(Lease(row, owner, now, lease));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleFireResult>> FireSchedulesAsync(IReadOnlyList<ScheduleFiring> firings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firings);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new List<ScheduleFireResult>(firings.Count);
        lock (gate)
        {
            foreach (var firing in firings)
            {
                results.Add(Fire(firing));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<ScheduleFireResult>>(results);
    }

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextScheduleDueAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            DateTimeOffset? next = null;
            foreach (var s in schedules.Values)
            {
                if (s.Paused || s.NextFireAt is not { } at)
                {
                    continue;
                }

                var due = s.LeaseOwner is not null && s.LeaseExpiresAt > at ? s.LeaseExpiresAt!.Value : at;
                next = next is null || due < next ? due : next;
            }

            return ValueTask.FromResult(next);
        }
    }

    private ScheduleFireResult Fire(ScheduleFiring firing)
    {
        if (!schedules.TryGetValue(firing.Name, out var row) || row.LeaseOwner != firing.LeaseOwner)
        {
            return new ScheduleFireResult(firing.Name, false, []);
        }

        var created = new List<FlowRecord>();
        foreach (var flow in firing.Flows)
        {
            if (flow.Flow.Key is { } key && idsByKey.ContainsKey(key))
            {
                continue;
            }

            ValidateNewFlow(flow, []);
            Insert(flow);
            created.Add(flow.Flow.Clone());
        }

        if (firing.AdvancesNextFire)
        {
            row.NextFireAt = firing.NextFireAt;
        }

        if (firing.LastSlot is { } slot && (row.LastSlot is null || slot > row.LastSlot))
        {
            row.LastSlot = slot;
        }

        if (firing.LastFlowKey is { } lastKey && idsByKey.TryGetValue(lastKey, out var lastId))
        {
            row.LastFlowId = lastId;
        }

        row.BufferedSlot = firing.BufferedSlot;
        row.LastError = firing.LastError;
        row.UpdatedAt = firing.Now;
        row.LeaseOwner = null;
        row.LeaseExpiresAt = null;
        return new ScheduleFireResult(firing.Name, true, created);
    }

    private static bool LiveLease(ScheduleRecord s, DateTimeOffset now) => s.LeaseOwner is not null && s.LeaseExpiresAt > now;

    private bool LastFlowEnded(ScheduleRecord s) =>
        s.LastFlowId is not { } id || !flows.TryGetValue(id, out var entry) || entry.Flow.State.IsTerminal();

    private ClaimedSchedule Lease(ScheduleRecord row, string owner, DateTimeOffset now, TimeSpan lease)
    {
        row.LeaseOwner = owner;
        row.LeaseExpiresAt = now + lease;
        FlowState? last = row.LastFlowId is { } id && flows.TryGetValue(id, out var entry) ? entry.Flow.State : null;
        return new ClaimedSchedule(row.Clone(), last);
    }
}
