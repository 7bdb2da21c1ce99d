namespace FlowMachine.Storage;

/// <summary>What a firing wrote: nothing when the lease was lost; otherwise the flows it created (a slot already started is left out).</summary>
public sealed record ScheduleFireResult(string Name, bool Fired, IReadOnlyList<FlowRecord> Created);
