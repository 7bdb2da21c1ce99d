namespace FlowMachine.Engine;

/// <summary>What one commit changed in a flow.</summary>
[Flags]
public enum FlowChangeKinds
{
    /// <summary>Only the flow's row was touched (its times).</summary>
    None = 0,

    /// <summary>One or more steps changed (<see cref="FlowChange.Steps"/>).</summary>
    Steps = 1,

    /// <summary>The flow's state changed (<see cref="FlowChange.State"/>).</summary>
    State = 2,

    /// <summary>The flow's data changed.</summary>
    Data = 4,

    /// <summary>The flow ended with this commit (its state is terminal now).</summary>
    Ended = 8,

    /// <summary>The flow started child flows.</summary>
    Children = 16,

    /// <summary>This process let go of the flow: it ended, pauses, or waits for a later time.</summary>
    Released = 32,

    /// <summary>
    /// A running step's progress was stored (no commit: <see cref="FlowChange.Steps"/> is empty); read the flow again
    /// to see it.
    /// </summary>
    Progress = 64,
}
