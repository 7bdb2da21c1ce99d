namespace FlowMachine.Storage;

/// <summary>
/// Holding flows back: a suspended flow, and every flow of a paused routine, is stored and takes input but is
/// never claimed (nor counted by <see cref="IFlowRuntimeStore.GetNextDueAsync(CancellationToken)"/>) until it is resumed. A commit
/// never clears either hold: a step in flight when the flow is suspended commits, and the flow stays held.
/// </summary>
public interface IPauseStore
{
    /// <summary>
    /// Suspends (<paramref name="suspended"/> true) or resumes one flow. A change queues a
    /// <see cref="FlowCommand.Suspend"/> or <see cref="FlowCommand.Resume"/> command for the flow, so a worker
    /// holding it starts no further step (and the history records who did it); a flow that has ended is refused.
    /// </summary>
    ValueTask<HoldResult> SetFlowSuspendedAsync(string flowId, bool suspended, string? actor, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Pauses (<paramref name="paused"/> true) or resumes a stored routine: its unfinished flows, and those
    /// started while it is paused, are held. An unknown routine is <see cref="HoldStatus.NotFound"/>.
    /// </summary>
    ValueTask<HoldResult> SetRoutinePausedAsync(string name, bool paused, string? actor, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The paused routines, by name.</summary>
    ValueTask<IReadOnlyList<PausedRoutine>> ListPausedRoutinesAsync(CancellationToken cancellationToken);
}
