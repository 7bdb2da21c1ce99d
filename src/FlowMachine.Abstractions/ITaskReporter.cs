using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>
/// Where a running task's progress and heartbeats go: set by the engine when it builds the context, absent on a
/// context built by hand (then reports are only kept on the context).
/// </summary>
internal interface ITaskReporter
{
    /// <summary>Stores <paramref name="progress"/> as the step's progress (throttled) and counts as a heartbeat.</summary>
    ValueTask ReportAsync(TaskContext context, JsonNode progress, CancellationToken cancellationToken);

    /// <summary>Tells the worker the task is alive.</summary>
    void Heartbeat(TaskContext context);
}
