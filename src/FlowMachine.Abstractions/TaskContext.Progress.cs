using System.Text.Json.Nodes;

namespace FlowMachine;

// Progress and heartbeats: what a long task tells the worker and the people watching while it runs.
public sealed partial class TaskContext
{
    /// <summary>The engine's end of the reports; null on a context built by hand.</summary>
    internal ITaskReporter? Reporter { get; init; }

    /// <summary>What the engine keeps per running step for <see cref="Reporter"/> (made on first use).</summary>
    internal object? ReporterState { get; set; }

    /// <summary>The progress this attempt reported last (<see cref="ReportProgressAsync"/>), as JSON; null until then.</summary>
    public JsonNode? Progress { get; private set; }

    /// <summary>
    /// Reports how far the task has come, such as <c>new { done = 40, total = 100 }</c>: any JSON-serializable value,
    /// written with camelCase names. The step's stored progress is updated at most once a second (the latest value
    /// wins) and shown in the flow document (<c>progress</c>, <c>progressAt</c>), <c>flowmachine flows show</c> and
    /// the dashboard, where <c>done</c> and <c>total</c> numbers draw a progress bar. Every report counts as a
    /// heartbeat (<see cref="HeartbeatAsync"/>).
    /// </summary>
    /// <remarks>Not thread-safe: call it from the task's own flow of control.</remarks>
    public ValueTask ReportProgressAsync(object progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var node = OutcomeJson.ToNode(progress)!;
        Progress = node;
        return Reporter?.ReportAsync(this, node, cancellationToken) ?? ValueTask.CompletedTask;
    }

    /// <summary>
    /// Tells the worker the task is alive. A step with a <c>heartbeat_timeout</c> that sends no heartbeat (nor progress)
    /// for that long is cancelled through its <see cref="CancellationToken"/> and fails the attempt, to be retried
    /// per its retry policy. Cheap: call it as often as is convenient.
    /// </summary>
    public ValueTask HeartbeatAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Reporter?.Heartbeat(this);
        return ValueTask.CompletedTask;
    }
}
