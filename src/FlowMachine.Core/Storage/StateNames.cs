namespace FlowMachine;

/// <summary>Helpers for states.</summary>
public static class StateNames
{
    /// <summary>True for COMPLETED, FAILED, KILLED and CANCELLED.</summary>
    public static bool IsTerminal(this FlowState state) => state is FlowState.Completed or FlowState.Failed or FlowState.Killed or FlowState.Cancelled;

    /// <summary>True for WAITING and SPAWNED.</summary>
    public static bool IsPaused(this FlowState state) => state is FlowState.Waiting or FlowState.Spawned;

    /// <summary>True for COMPLETED, FAILED and SKIPPED.</summary>
    public static bool IsFinished(this StepState state) => state is StepState.Completed or StepState.Failed or StepState.Skipped;

    /// <summary>The stored name: <c>WAITING</c>.</summary>
    public static string ToName(this FlowState state) => state switch
    {
        FlowState.Pending => "PENDING",
        FlowState.Running => "RUNNING",
        FlowState.Waiting => "WAITING",
        FlowState.Spawned => "SPAWNED",
        FlowState.Completed => "COMPLETED",
        FlowState.Failed => "FAILED",
        FlowState.Killed => "KILLED",
        _ => "CANCELLED",
    };

    /// <summary>The stored name: <c>COMPLETED</c>.</summary>
    public static string ToName(this StepState state) => state switch
    {
        StepState.Pending => "PENDING",
        StepState.Running => "RUNNING",
        StepState.Waiting => "WAITING",
        StepState.Completed => "COMPLETED",
        StepState.Failed => "FAILED",
        _ => "SKIPPED",
    };

    /// <summary>Parses a stored or user-given flow state name, in any case.</summary>
    public static bool TryParseFlowState(string? text, out FlowState state) =>
        Enum.TryParse(text, ignoreCase: true, out state) && Enum.IsDefined(state);

    /// <summary>Parses a stored step state name.</summary>
    public static StepState ParseStepState(string text) => Enum.Parse<StepState>(text, ignoreCase: true);
}
