namespace FlowMachine.Client;

/// <summary>400: the request or its spec is not valid; <see cref="FlowMachineProblem.Errors"/> holds each error under its field or spec path (<c>spec.tasks[1].task_type</c>).</summary>
public sealed class FlowMachineValidationException : FlowMachineApiException
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineValidationException()
        : base(new FlowMachineProblem { Status = 400 })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineValidationException(string message)
        : base(new FlowMachineProblem { Status = 400, Detail = message })
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineValidationException(FlowMachineProblem problem)
        : base(problem)
    {
    }
}
