namespace FlowMachine.Storage;

/// <summary>
/// Where flows live: the union of the store's roles that a provider implements. The store is the source
/// of truth: a flow is changed only by <see cref="IFlowRuntimeStore.CommitAsync"/> (under the flow's lease)
/// or by queueing a command that the flow's worker applies. Every provider passes the same conformance suite.
/// </summary>
/// <remarks>
/// Consumers take the narrowest role they need: <see cref="IFlowRuntimeStore"/> (the engine and workers),
/// <see cref="IFlowQueryStore"/> (read-only pages and lists), <see cref="IRoutineStore"/> and
/// <see cref="IResumeTokenStore"/>, <see cref="IScheduleStore"/>, <see cref="IFlowRetentionStore"/>, <see cref="IPauseStore"/>, <see cref="IWorkerRegistry"/>, <see cref="IFlowLimitStore"/>, <see cref="IFlowDiagnosisStore"/> and <see cref="IKeyedEventStore"/>.
/// </remarks>
public interface IFlowStore : IFlowRuntimeStore, IFlowQueryStore, IRoutineStore, IResumeTokenStore, IScheduleStore, IFlowRetentionStore, IPauseStore, IWorkerRegistry, IFlowLimitStore, IFlowDiagnosisStore, IKeyedEventStore
{
    /// <summary>Creates schema or prepares the store; called once at start.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);
}
