namespace FlowMachine.Storage;

/// <summary>A concurrency slot a flow's step holds: the limit's key and the step.</summary>
public sealed record LimitSlot(string Key, string StepKey);
