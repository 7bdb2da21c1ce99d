namespace FlowMachine;

/// <summary>The state of a flow. Stored and shown in capitals (<c>WAITING</c>).</summary>
public enum FlowState
{
    Pending,
    Running,
    Waiting,
    Spawned,
    Completed,
    Failed,
    Killed,
    Cancelled,
}
