namespace FlowMachine.Scheduling;

/// <summary>What a schedule does when a slot comes while the previous flow it started has not finished.</summary>
public enum ScheduleOverlap
{
    /// <summary>Start nothing for the slot (the default).</summary>
    Skip,

    /// <summary>Start the slot's flow when the previous one finishes; at most one slot waits.</summary>
    Buffer,

    /// <summary>Always start.</summary>
    Allow,

    /// <summary>Cancel the previous flow, then start.</summary>
    Cancel,
}
