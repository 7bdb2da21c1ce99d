namespace FlowMachine.Testing;

/// <summary>
/// A flow is not in the shape a test expected, or a command a test sent was refused. The message says
/// what was expected and what the flow looks like (state, path, errors, waits), so a failing test
/// explains itself in any test framework.
/// </summary>
public sealed class FlowAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowAssertionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public FlowAssertionException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public FlowAssertionException()
    {
    }
}
