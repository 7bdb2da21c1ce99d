using FlowMachine.Storage;

namespace FlowMachine.Hooks;

/// <summary>The answer to a hook verb.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Hook">The hook (with its secret) when done.</param>
/// <param name="Field">The field at fault, when invalid or a conflict.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record HookResult(HookOutcome Outcome, HookRecord? Hook = null, string? Field = null, string? Problem = null)
{
    internal static HookResult Invalid(string field, string problem) => new(HookOutcome.Invalid, Field: field, Problem: problem);

    internal static readonly HookResult NotFound = new(HookOutcome.NotFound);
}
