namespace FlowMachine.Specs;

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
