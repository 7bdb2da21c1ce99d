namespace FlowMachine.Engine;

/// <summary>
/// Runs flows in this process, for tests and applications that embed the engine: one round at a time,
/// or until the flow ends or pauses. Hosts run flows with a worker instead.
/// </summary>
public interface IFlowRunner
{
    /// <summary>
    /// Advances the flow by one round in this process: applies waiting commands, events and timers, runs
    /// the steps runnable now (in parallel), and commits. Steps that become runnable wait for the next tick.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The flow does not exist.</exception>
    Task<FlowView> TickAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the flow in this process until it ends or pauses, running its child flows too. With
    /// <paramref name="waitForTimers"/> it also sleeps until due timers and retries; otherwise it returns
    /// when nothing is due now.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The flow does not exist.</exception>
    Task<FlowView> RunAsync(string flowId, bool waitForTimers = false, CancellationToken cancellationToken = default);
}
