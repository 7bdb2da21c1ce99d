namespace FlowMachine;

/// <summary>
/// A task that can tell, when its flow is resubmitted, whether the wait it asked for is over.
/// </summary>
public interface ICheckableTask : IFlowTask
{
    /// <summary>
    /// Called on resubmit while the step waits. <see cref="CheckResult.Ready(object?)"/> completes the
    /// step with that value and the flow runs on; <see cref="CheckResult.NotReady(string?)"/> leaves it waiting.
    /// </summary>
    ValueTask<CheckResult> CheckAsync(TaskContext context, CancellationToken cancellationToken);
}
