namespace FlowMachine.Storage;

/// <summary>
/// Deleting finished flows for good: by a retention filter in bounded batches (the sweeper and
/// <c>flows purge</c>) or one at a time (<c>flows delete</c>). A flow goes with everything that belongs to it
/// (steps, history, commands, events, used resume tokens, its stored spec when no other flow uses it) and
/// with its children. Never deleted: a flow that is not terminal, is leased or is due (a queued command or
/// event would revive it), a child on its own while its parent is stored, or a flow with such a descendant.
/// </summary>
public interface IFlowRetentionStore
{
    /// <summary>
    /// Deletes, in one transaction, up to <paramref name="batchSize"/> top-level flows that match
    /// <paramref name="filter"/>, oldest first, with their children. Another process sweeping at the same
    /// time skips the flows this batch holds.
    /// </summary>
    ValueTask<RetentionBatch> DeleteFlowsAsync(FlowRetentionFilter filter, int batchSize, CancellationToken cancellationToken);

    /// <summary>How many top-level flows <see cref="DeleteFlowsAsync"/> would delete now (children not counted).</summary>
    ValueTask<long> CountDeletableFlowsAsync(FlowRetentionFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes one flow with its children, only when it may be deleted (see the type's remarks).</summary>
    ValueTask<FlowDeleteOutcome> DeleteFlowAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>The oldest finished flow's time and the size of the database, for the dashboard.</summary>
    ValueTask<FlowStorageStats> GetStorageStatsAsync(CancellationToken cancellationToken);

    /// <summary>Gives the space freed by deletions back where the database can (SQLite: an incremental vacuum step).</summary>
    ValueTask ReclaimSpaceAsync(CancellationToken cancellationToken);
}
