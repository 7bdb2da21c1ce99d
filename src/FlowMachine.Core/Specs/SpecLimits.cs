namespace FlowMachine.Specs;

/// <summary>
/// How large a spec may be, so that one request or file cannot exhaust memory or CPU. A spec over a limit
/// is refused with a <see cref="SpecError"/> at <c>$</c> that names the limit.
/// </summary>
public sealed record SpecLimits
{
    /// <summary>The limits used when none are given: 1 MiB and 10,000 steps.</summary>
    public static SpecLimits Default { get; } = new();

    /// <summary>The largest spec, in bytes of UTF-8 text (or of the JSON document when given parsed).</summary>
    public long MaxBytes { get; init; } = FlowMachineDefaults.Specs.MaxBytes;

    /// <summary>The most steps (entries of <c>tasks</c>) a spec may have.</summary>
    public int MaxSteps { get; init; } = FlowMachineDefaults.Specs.MaxSteps;

    /// <summary>Every problem with the limits, empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxBytes < 64)
        {
            problems.Add($"SpecLimits.MaxBytes must be at least 64 (was {MaxBytes}).");
        }

        if (MaxSteps < 1)
        {
            problems.Add($"SpecLimits.MaxSteps must be at least 1 (was {MaxSteps}).");
        }

        return problems;
    }
}
