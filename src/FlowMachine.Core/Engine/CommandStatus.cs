namespace FlowMachine;

/// <summary>How a command from outside was taken.</summary>
public enum CommandStatus
{
    /// <summary>Queued; the flow's worker applies it.</summary>
    Accepted,

    /// <summary>No such flow.</summary>
    NotFound,

    /// <summary>The flow is not in a state the command applies to (e.g. a push when nothing waits).</summary>
    Conflict,
}
