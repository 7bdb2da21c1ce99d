namespace FlowMachine.Storage;

/// <summary>A step that holds a concurrency slot (<see cref="IFlowLimitStore"/>) until <paramref name="ExpiresAt"/>, under its flow's lease.</summary>
/// <param name="FlowId">The flow of the step.</param>
/// <param name="StepKey">The step.</param>
/// <param name="Owner">The worker whose lease holds the slot.</param>
/// <param name="ExpiresAt">When the slot expires unless the lease heartbeat renews it.</param>
public sealed record SlotHolder(string FlowId, string StepKey, string? Owner, DateTimeOffset ExpiresAt);
