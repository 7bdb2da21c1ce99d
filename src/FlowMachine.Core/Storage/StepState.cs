namespace FlowMachine;

/// <summary>The state of one step of a flow.</summary>
public enum StepState
{
    Pending,
    Running,
    Waiting,
    Completed,
    Failed,
    Skipped,
}
