using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// Suspending and resuming flows, pausing and resuming routines: the same from the API, the dashboard and the
/// CLI. A flow is suspended by its owner or an administrator (a flow the caller may not see does not exist for
/// them); a routine is paused by the owner of its newest version or an administrator.
/// </summary>
public sealed class PauseVerbs(IFlowStore store, TimeProvider time)
{
    /// <summary>Suspends (<paramref name="suspend"/> true) or resumes the flow; a flow that has ended is refused.</summary>
    public async Task<HoldResult> SuspendAsync(Caller caller, string flowId, bool suspend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var flow = await store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null || !caller.CanSee(flow.Owner))
        {
            return new HoldResult(HoldStatus.NotFound);
        }

        return await store.SetFlowSuspendedAsync(flowId, suspend, caller.Name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses (<paramref name="pause"/> true) or resumes a stored routine.</summary>
    public async Task<HoldResult> PauseRoutineAsync(Caller caller, string name, bool pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var routine = await store.GetRoutineAsync(name, null, cancellationToken).ConfigureAwait(false);
        if (routine is null)
        {
            return new HoldResult(HoldStatus.NotFound);
        }

        if (!caller.IsAdmin && !caller.Owns(routine.Owner))
        {
            return new HoldResult(HoldStatus.Forbidden);
        }

        return await store.SetRoutinePausedAsync(name, pause, caller.Name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The paused routine <paramref name="name"/>, or null when it runs.</summary>
    public async Task<PausedRoutine?> FindPausedAsync(string name, CancellationToken cancellationToken)
    {
        var paused = await store.ListPausedRoutinesAsync(cancellationToken).ConfigureAwait(false);
        return paused.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
    }

    /// <summary>Every paused routine, by name.</summary>
    public async Task<IReadOnlyList<PausedRoutine>> ListPausedAsync(CancellationToken cancellationToken) =>
        await store.ListPausedRoutinesAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Why a flow that has ended cannot be suspended or resumed, for every surface.</summary>
    public static string EndedMessage(string flowId, FlowState? state, bool suspend) =>
        $"flow {flowId} has ended {state?.ToName()}: only a flow that has not ended can be {(suspend ? "suspended" : "resumed")}";
}
