using System.Diagnostics;

namespace FlowMachine.Engine;

/// <summary>How one attempt of a step ended.</summary>
/// <param name="Index">The step's index.</param>
/// <param name="Attempt">The attempt that ran.</param>
/// <param name="Outcome">What the task returned (exceptions become <see cref="FailOutcome"/>).</param>
/// <param name="Permanent">A failure that a retry cannot fix (bad params, unknown task type).</param>
/// <param name="Abandoned">The worker stopped mid-step: nothing is recorded and the step runs again elsewhere.</param>
internal readonly record struct StepExecution(int Index, int Attempt, Outcome Outcome, bool Permanent, bool Abandoned)
{
    /// <summary>The attempt's span, when it was traced: the flows it spawns link to it.</summary>
    public ActivityContext Span { get; init; }
}
