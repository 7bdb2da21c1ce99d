using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>A flow with its steps, as read from the store.</summary>
/// <param name="Flow">The flow.</param>
/// <param name="Steps">Its steps in spec order.</param>
public sealed record FlowView(FlowRecord Flow, IReadOnlyList<StepRecord> Steps)
{
    /// <summary>The step with <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such step.</exception>
    public StepRecord Step(string key) => Steps.FirstOrDefault(s => s.Key == key) ?? throw new KeyNotFoundException($"Flow {Flow.Id} has no step '{key}'.");

    /// <summary>The flow's state.</summary>
    public FlowState State => Flow.State;
}

/// <summary>The flow a start created, or the existing flow with the same key.</summary>
public sealed record StartFlowResult(FlowRecord Flow, bool Created);

/// <summary>How a command from outside was taken.</summary>
public enum CommandStatus
{
    /// <summary>Queued; the flow's worker applies it.</summary>
    Accepted,

    /// <summary>No such flow.</summary>
    NotFound,

    /// <summary>The flow is not in a state the command applies to (e.g. a push when nothing waits).</summary>
    Conflict,
}

/// <summary>The answer to a command: its status and, when refused, why.</summary>
public readonly record struct CommandResult(CommandStatus Status, string? Message)
{
    public static CommandResult Accepted { get; } = new(CommandStatus.Accepted, null);
}
