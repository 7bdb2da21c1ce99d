using FlowMachine.Storage;

namespace FlowMachine;

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
