namespace FlowMachine.Client;

/// <summary>401: no API key, or one the server does not know.</summary>
public sealed class FlowMachineUnauthorizedException : FlowMachineApiException
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineUnauthorizedException()
        : base(new FlowMachineProblem { Status = 401 })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineUnauthorizedException(string message)
        : base(new FlowMachineProblem { Status = 401, Detail = message })
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineUnauthorizedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineUnauthorizedException(FlowMachineProblem problem)
        : base(problem)
    {
    }
}
