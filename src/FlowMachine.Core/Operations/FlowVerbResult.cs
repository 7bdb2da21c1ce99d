
namespace FlowMachine.Operations;

/// <summary>The answer to a flow verb.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Field">For <see cref="FlowVerbOutcome.Invalid"/>: the input at fault (<c>name</c> or <c>position</c>).</param>
/// <param name="StepCount">For an invalid position: how many steps the flow has.</param>
/// <param name="Command">For <see cref="FlowVerbOutcome.Accepted"/> and <see cref="FlowVerbOutcome.Refused"/>: the engine's answer.</param>
public sealed record FlowVerbResult(FlowVerbOutcome Outcome, string? Field = null, int StepCount = 0, CommandResult? Command = null);
