namespace FlowMachine.Scheduling;

/// <summary>What a schedule does with the slots in front of it: the slots to start, whether to cancel the previous flow, the slot left waiting.</summary>
internal sealed record SlotDecision(IReadOnlyList<DateTimeOffset> Starts, bool CancelPrevious, DateTimeOffset? Buffered, int Skipped);
