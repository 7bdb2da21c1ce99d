namespace FlowMachine;

/// <summary>A task's params are missing or malformed; the step fails with this message.</summary>
public sealed class TaskParamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskParamException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public TaskParamException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaskParamException()
    {
    }
}
