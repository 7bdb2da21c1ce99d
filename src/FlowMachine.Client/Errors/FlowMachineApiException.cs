namespace FlowMachine.Client;

/// <summary>The server refused a request; <see cref="Problem"/> is its answer. Subclasses name the common cases.</summary>
public class FlowMachineApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowMachineApiException()
        : this(new FlowMachineProblem { Status = 500, Title = "The server refused the request" })
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public FlowMachineApiException(string message)
        : this(message, null!)
    {
    }

    /// <summary>Creates the exception from a message and its cause.</summary>
    public FlowMachineApiException(string message, Exception innerException)
        : base(message, innerException) => Problem = new FlowMachineProblem { Status = 500, Detail = message };

    /// <summary>Creates the exception from the server's problem.</summary>
    public FlowMachineApiException(FlowMachineProblem problem)
        : base(problem?.ToString()) => Problem = problem ?? throw new ArgumentNullException(nameof(problem));

    /// <summary>The server's answer.</summary>
    public FlowMachineProblem Problem { get; }

    /// <summary>The HTTP status.</summary>
    public int StatusCode => Problem.Status;
}
