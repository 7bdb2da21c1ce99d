namespace FlowMachine.Storage.InMemory;

// The pause role (IPauseStore): a held flow (suspended, or of a paused routine) is in neither due index.
public sealed partial class InMemoryFlowStore
{
    private readonly SortedDictionary<string, PausedRoutine> pausedRoutines = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<HoldResult> SetFlowSuspendedAsync(string flowId, bool suspended, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!flows.TryGetValue(flowId, out var entry))
            {
                return ValueTask.FromResult(new HoldResult(HoldStatus.NotFound));
            }

            var flow = entry.Flow;
            if (flow.State.IsTerminal())
            {
                return ValueTask.FromResult(new HoldResult(HoldStatus.Ended, flow.State));
            }

            if (flow.Suspended == suspended)
            {
                return ValueTask.FromResult(new HoldResult(HoldStatus.Unchanged, flow.State));
            }

            // The row may be shared with a claim's copy: change a copy.
            var row = flow.ShallowCopy();
            row.Suspended = suspended;
            entry.Flow = row;
            entry.Commands.Add(new FlowCommand(++nextCommandId, flowId, suspended ? FlowCommand.Suspend : FlowCommand.Resume, null, null, actor, now));
            MakeDueAndReindex(entry, now);
            return ValueTask.FromResult(new HoldResult(HoldStatus.Changed, row.State));
        }
    }

    /// <inheritdoc/>
    public ValueTask<HoldResult> SetRoutinePausedAsync(string name, bool paused, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!routines.ContainsKey(name))
            {
                return ValueTask.FromResult(new HoldResult(HoldStatus.NotFound));
            }

            if (pausedRoutines.ContainsKey(name) == paused)
            {
                return ValueTask.FromResult(new HoldResult(HoldStatus.Unchanged));
            }

            if (paused)
            {
                pausedRoutines.Add(name, new PausedRoutine(name, now, actor));
            }
            else
            {
                pausedRoutines.Remove(name);
            }

            foreach (var entry in flows.Values)
            {
                // Pausing marks the unfinished flows; resuming clears every mark.
                if (string.Equals(entry.Flow.Routine, name, StringComparison.Ordinal) && entry.Flow.RoutinePaused != paused && !(paused && entry.Flow.State.IsTerminal()))
                {
                    var row = entry.Flow.ShallowCopy();
                    row.RoutinePaused = paused;
                    entry.Flow = row;
                    Reindex(entry);
                }
            }

            return ValueTask.FromResult(new HoldResult(HoldStatus.Changed));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<PausedRoutine>> ListPausedRoutinesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<PausedRoutine> list = [.. pausedRoutines.Values];
            return ValueTask.FromResult(list);
        }
    }
}
