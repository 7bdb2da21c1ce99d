namespace FlowMachine.Storage;

/// <summary>
/// The read-only view of a store, for the API, the dashboard and the CLI: flows, their steps and history,
/// pages of flows and counts. Nothing here changes a flow.
/// </summary>
public interface IFlowQueryStore
{
    ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken);

    ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>The flow's steps in spec order.</summary>
    ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>A page of flows, newest first.</summary>
    ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken);

    /// <summary>The flow's history after <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The state of each of <paramref name="flowIds"/> in one read (the last flows of a page of schedules, say),
    /// by id; an id of no flow is left out.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, FlowState>> GetFlowStatesAsync(IReadOnlyCollection<string> flowIds, CancellationToken cancellationToken);

    /// <summary>Counts of flows by state (for dashboards and metrics).</summary>
    ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken);

    /// <summary>
    /// When the flow that has waited longest for a worker became due: the least next run time of the flows due at
    /// <paramref name="now"/> that no live lease holds and nothing holds back (null: none). For the oldest-due gauge.
    /// </summary>
    ValueTask<DateTimeOffset?> GetOldestDueAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
