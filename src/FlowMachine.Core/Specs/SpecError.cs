namespace FlowMachine.Specs;

/// <summary>One thing wrong with a spec, at a path such as <c>tasks[2].precursors[0]</c>.</summary>
/// <param name="Path">Where in the spec the problem is.</param>
/// <param name="Message">What is wrong and what to do.</param>
/// <param name="Line">The 1-based source line when known (YAML and JSON text), else null.</param>
public sealed record SpecError(string Path, string Message, int? Line = null)
{
    /// <inheritdoc/>
    public override string ToString() => Line is { } line ? $"{Path} (line {line}): {Message}" : $"{Path}: {Message}";
}

/// <summary>A spec that was refused; <see cref="Exception.Message"/> lists every error with its path.</summary>
public sealed class SpecException : Exception
{
    /// <summary>Creates the exception from its errors.</summary>
    public SpecException(IReadOnlyList<SpecError> errors)
        : base("Invalid flow spec: " + string.Join("; ", errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception.</summary>
    public SpecException() : this([])
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public SpecException(string message) : this([new SpecError("$", message)])
    {
    }

    /// <summary>Creates the exception from a message and cause.</summary>
    public SpecException(string message, Exception innerException) : base(message, innerException)
    {
        Errors = [new SpecError("$", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<SpecError> Errors { get; } = [];
}
