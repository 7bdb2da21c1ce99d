using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Retry: an ended flow goes on from where it stopped.
public sealed partial class FlowEngine
{
    /// <summary>
    /// Retries a FAILED, KILLED or CANCELLED flow from where it stopped: its failed and skipped-by-failure steps
    /// run again, completed steps keep their results. Any other state is a conflict.
    /// </summary>
    public async Task<CommandResult> RetryAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        if (!FlowRun.CanRetry(flow.State))
        {
            return new CommandResult(CommandStatus.Conflict, flow.State == FlowState.Completed
                ? $"flow {flowId} is COMPLETED; only a FAILED, KILLED or CANCELLED flow can be retried"
                : $"flow {flowId} is {flow.State.ToName()} and has not ended; only a FAILED, KILLED or CANCELLED flow can be retried");
        }

        return await EnqueueAsync(flowId, FlowCommand.Retry, null, null, actor, cancellationToken).ConfigureAwait(false);
    }
}
