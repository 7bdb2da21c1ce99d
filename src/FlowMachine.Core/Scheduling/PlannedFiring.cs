using FlowMachine.Storage;

namespace FlowMachine.Scheduling;

/// <summary>A firing to write and, with the cancel policy, the previous flow to cancel once it is written.</summary>
internal sealed record PlannedFiring(ScheduleFiring Firing, string? CancelFlowId = null);
