namespace FlowMachine.Client;

/// <summary>404: no such flow (or another user's), routine, schedule or user.</summary>
public sealed class FlowMachineNotFoundException : FlowMachineApiException
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineNotFoundException()
        : base(new FlowMachineProblem { Status = 404 })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineNotFoundException(string message)
        : base(new FlowMachineProblem { Status = 404, Detail = message })
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineNotFoundException(FlowMachineProblem problem)
        : base(problem)
    {
    }
}
