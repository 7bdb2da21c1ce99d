namespace FlowMachine.Storage;

/// <summary>
/// The check every store makes before writing a flow's steps and history: each row must belong to the
/// flow being written. The throws live apart so that the checks stay small enough to inline on the commit path.
/// </summary>
internal static class RowOwnership
{
    /// <summary>Refuses a step of another flow than the one being written.</summary>
    /// <exception cref="ArgumentException">The step belongs to another flow.</exception>
    public static void CheckStep(string flowId, StepRecord step)
    {
        if (!string.Equals(step.FlowId, flowId, StringComparison.Ordinal))
        {
            ThrowStepOfOtherFlow(flowId, step);
        }
    }

    /// <summary>Refuses a history event of another flow than the one being written.</summary>
    /// <exception cref="ArgumentException">The event belongs to another flow.</exception>
    public static void CheckHistory(string flowId, HistoryEvent e)
    {
        if (!string.Equals(e.FlowId, flowId, StringComparison.Ordinal))
        {
            ThrowHistoryOfOtherFlow(flowId, e);
        }
    }

    private static void ThrowStepOfOtherFlow(string flowId, StepRecord s) =>
        throw new ArgumentException($"Step '{s.Key}' belongs to flow '{s.FlowId}', not to flow '{flowId}' being written.");

    private static void ThrowHistoryOfOtherFlow(string flowId, HistoryEvent e) =>
        throw new ArgumentException($"History event {e.Seq} belongs to flow '{e.FlowId}', not to flow '{flowId}' being written.");
}
