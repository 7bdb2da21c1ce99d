using FlowMachine.Storage;

namespace FlowMachine.Cli.Output;

/// <summary>The one-line text of a step that finished, paused or will be retried.</summary>
internal static class StepLine
{
    /// <summary>The line for <paramref name="step"/>, or null when its state is not worth a line (pending, running).</summary>
    public static string? Format(StepRecord step) => step.State switch
    {
        StepState.Completed => $"✓ {step.Key}  COMPLETED  (attempt {step.Attempts})",
        StepState.Failed => $"✗ {step.Key}  FAILED  (attempt {step.Attempts}): {step.Error}",
        StepState.Waiting => $"⏸ {step.Key}  WAITING: {step.WaitReason ?? step.WaitEvent ?? "for input"}",
        StepState.Skipped => $"- {step.Key}  SKIPPED",
        StepState.Pending when step.Error is not null && step.NotBefore is not null =>
            $"↻ {step.Key}  RETRY  (attempt {step.Attempts} failed: {step.Error}; next at {step.NotBefore:u})",
        _ => null,
    };
}
