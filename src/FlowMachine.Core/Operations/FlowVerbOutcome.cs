namespace FlowMachine.Operations;

/// <summary>How a flow verb ended.</summary>
public enum FlowVerbOutcome
{
    /// <summary>Queued for the flow's worker.</summary>
    Accepted,

    /// <summary>The flow does not exist or the caller may not see it.</summary>
    NotFound,

    /// <summary>Only administrators may use the verb.</summary>
    Forbidden,

    /// <summary>An input is out of its limits (see <see cref="FlowVerbResult.Field"/>).</summary>
    Invalid,

    /// <summary>The engine refused the command (the flow is in the wrong state, or gone); see <see cref="FlowVerbResult.Command"/>.</summary>
    Refused,
}
