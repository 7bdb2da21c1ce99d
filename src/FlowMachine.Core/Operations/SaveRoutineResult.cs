using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>The answer to saving a routine: the saved version, or what is wrong and in which field.</summary>
public sealed record SaveRoutineResult
{
    /// <summary>The stored version, or null when refused.</summary>
    public RoutineRecord? Saved { get; init; }

    /// <summary>Whether the save made a new version (false: the newest version already had this spec).</summary>
    public bool NewVersion { get; init; }

    /// <summary>Why it was refused; <see cref="SaveRoutineError.None"/> when saved.</summary>
    public SaveRoutineError Error { get; init; }

    /// <summary>The field at fault: <c>name</c> or <c>spec</c>.</summary>
    public string? Field { get; init; }

    /// <summary>The problem in words, for a name or a missing spec.</summary>
    public string? Problem { get; init; }

    /// <summary>The spec's errors, for <see cref="SaveRoutineError.InvalidSpec"/>.</summary>
    public IReadOnlyList<SpecError> SpecErrors { get; init; } = [];

    internal static SaveRoutineResult Refused(SaveRoutineError error, string field, string? problem, IReadOnlyList<SpecError>? specErrors = null) =>
        new() { Error = error, Field = field, Problem = problem, SpecErrors = specErrors ?? [] };
}
