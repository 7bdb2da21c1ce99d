namespace FlowMachine.Storage;

/// <summary>
/// The reads behind a flow's diagnosis (why it is not moving) and the list of flows that need attention. Nothing
/// here changes a flow; each read is bounded (by a flow, a key or a limit).
/// </summary>
public interface IFlowDiagnosisStore
{
    /// <summary>The events raised for the flow that no step has taken yet, oldest first.</summary>
    ValueTask<IReadOnlyList<FlowEvent>> GetPendingEventsAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>The unexpired concurrency slots of <paramref name="key"/> at <paramref name="now"/>, by flow id, then step key.</summary>
    ValueTask<IReadOnlyList<SlotHolder>> ListSlotHoldersAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Unfinished flows that may be stuck, by id: not held (suspended or routine paused), not leased (or under an
    /// expired lease) and due at or before <see cref="OverdueQuery.DueBefore"/>, or routed to a pool
    /// (<see cref="FlowRecord.Route"/>) and due at <see cref="OverdueQuery.Now"/>; and flows whose lease expired by then.
    /// </summary>
    ValueTask<IReadOnlyList<FlowRecord>> ListOverdueFlowsAsync(OverdueQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Steps not finished (PENDING or RUNNING) whose worker was lost at least once (<see cref="StepRecord.Recoveries"/>
    /// above 0), of unfinished flows under a lease (a lost step runs again under its flow's next lease), by flow id, then
    /// step index; of <paramref name="owner"/>'s flows when given.
    /// </summary>
    ValueTask<IReadOnlyList<StepRecord>> ListRecoveredStepsAsync(string? owner, int limit, CancellationToken cancellationToken);
}
