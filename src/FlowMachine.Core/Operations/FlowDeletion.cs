using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// Deleting one flow by hand, shared by the API (<c>DELETE /api/v1/flows/{id}</c>) and the CLI
/// (<c>flows delete</c>): administrators and the flow's owner may; a flow the caller may not see does not exist for them.
/// </summary>
public sealed class FlowDeletion(IFlowQueryStore flows, IFlowRetentionStore retention)
{
    /// <summary>Deletes the flow with its children when it may go; the state it is in comes back when it may not.</summary>
    public async Task<(FlowDeleteOutcome Outcome, FlowState? State)> DeleteAsync(Caller caller, string flowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var flow = await flows.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null || !caller.CanSee(flow.Owner))
        {
            return (FlowDeleteOutcome.NotFound, null);
        }

        var outcome = await retention.DeleteFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        return (outcome, outcome == FlowDeleteOutcome.NotDeletable ? flow.State : null);
    }

    /// <summary>Why a flow in <paramref name="state"/> was not deleted, for every surface.</summary>
    public static string Refusal(string flowId, FlowState? state) =>
        state is { } s && !s.IsTerminal()
            ? $"flow {flowId} is {s.ToName()}: only a finished flow (COMPLETED, FAILED, KILLED or CANCELLED) can be deleted"
            : $"flow {flowId} cannot be deleted yet: a worker still holds it, a command for it is queued, or its parent or one of its children has not finished";
}
