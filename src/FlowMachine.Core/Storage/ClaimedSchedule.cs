namespace FlowMachine.Storage;

/// <summary>A schedule leased to a worker, with the state of the last flow it started (null when it has none or it is gone).</summary>
public sealed record ClaimedSchedule(ScheduleRecord Schedule, FlowState? LastFlowState);
