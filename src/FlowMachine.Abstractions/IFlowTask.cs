namespace FlowMachine;

/// <summary>
/// A unit of work that a flow runs as one step. Implementations are created per execution,
/// so they may keep per-run state in fields. Mark the class with <see cref="TaskTypeAttribute"/>
/// to register it under a dotted name.
/// </summary>
public interface IFlowTask
{
    /// <summary>Runs the step and returns what the flow should do next.</summary>
    /// <param name="context">The flow input, data, earlier results, this step's params and attempt.</param>
    /// <param name="cancellationToken">Cancelled when the flow is cancelled, the step times out or the worker stops.</param>
    ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken);
}
