namespace FlowMachine.Storage;

/// <summary>The flow's lease belongs to another owner now; the caller must drop the flow without writing.</summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException(string flowId, string owner)
        : base($"Worker '{owner}' no longer holds the lease on flow {flowId}; another worker has taken it over.")
    {
        FlowId = flowId;
    }

    public LeaseLostException()
    {
        FlowId = string.Empty;
    }

    public LeaseLostException(string message) : base(message)
    {
        FlowId = string.Empty;
    }

    public LeaseLostException(string message, Exception innerException) : base(message, innerException)
    {
        FlowId = string.Empty;
    }

    public string FlowId { get; }
}
