namespace FlowMachine.Client;

/// <summary>403: the API key's user may not do this (an administrator's route, another user's schedule).</summary>
public sealed class FlowMachineForbiddenException : FlowMachineApiException
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineForbiddenException()
        : base(new FlowMachineProblem { Status = 403 })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineForbiddenException(string message)
        : base(new FlowMachineProblem { Status = 403, Detail = message })
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineForbiddenException(FlowMachineProblem problem)
        : base(problem)
    {
    }
}
