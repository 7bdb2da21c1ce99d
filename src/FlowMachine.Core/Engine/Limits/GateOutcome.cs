using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>What the store answered a step about to start: the slots it took, or why it must wait and until when.</summary>
internal readonly record struct GateOutcome(int Index, int Attempt, List<LimitSlot> Taken, string? Reason, DateTimeOffset Until, bool SlotRefused);
