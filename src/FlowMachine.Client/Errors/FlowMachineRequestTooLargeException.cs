namespace FlowMachine.Client;

/// <summary>413: the body is over the server's limit.</summary>
public sealed class FlowMachineRequestTooLargeException : FlowMachineApiException
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineRequestTooLargeException()
        : base(new FlowMachineProblem { Status = 413 })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineRequestTooLargeException(string message)
        : base(new FlowMachineProblem { Status = 413, Detail = message })
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineRequestTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineRequestTooLargeException(FlowMachineProblem problem)
        : base(problem)
    {
    }
}
