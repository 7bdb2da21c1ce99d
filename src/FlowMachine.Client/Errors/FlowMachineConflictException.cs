namespace FlowMachine.Client;

/// <summary>409: the flow is not in a state the request applies to, or a key or name is taken.</summary>
public sealed class FlowMachineConflictException : FlowMachineApiException
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineConflictException()
        : base(new FlowMachineProblem { Status = 409 })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineConflictException(string message)
        : base(new FlowMachineProblem { Status = 409, Detail = message })
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineConflictException(FlowMachineProblem problem)
        : base(problem)
    {
    }
}
