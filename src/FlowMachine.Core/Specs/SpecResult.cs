namespace FlowMachine.Specs;

/// <summary>The outcome of compiling a spec: the spec when valid, otherwise every error found.</summary>
/// <param name="Spec">The validated spec, or null when there are errors.</param>
/// <param name="Errors">Every problem found, each naming its spec path; empty when valid.</param>
public sealed record SpecResult(FlowSpec? Spec, IReadOnlyList<SpecError> Errors)
{
    /// <summary>True when the spec compiled without errors.</summary>
    public bool IsValid => Spec is not null && Errors.Count == 0;

    /// <summary>Returns the spec, or throws listing every error.</summary>
    /// <exception cref="SpecException">The spec is not valid.</exception>
    public FlowSpec GetOrThrow() =>
        IsValid ? Spec! : throw new SpecException(Errors.Count > 0 ? Errors : [new SpecError(SpecPath.Root, "The spec is not valid.")]);
}
