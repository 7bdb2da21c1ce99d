namespace FlowMachine.Cli;

/// <summary>A mistake in how the tool was called; the message goes to stderr and the exit code is 1.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message) : base(message)
    {
    }

    public UsageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
