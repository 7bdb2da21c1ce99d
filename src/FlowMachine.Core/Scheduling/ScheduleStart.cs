using FlowMachine.Storage;

namespace FlowMachine.Scheduling;

/// <summary>What a trigger or backfill did: the keys of the flows it meant to start, those it created (a slot already started is not), how many slots it skipped, and why none could start.</summary>
public sealed record ScheduleStart(bool Fired, IReadOnlyList<string> Keys, IReadOnlyList<FlowRecord> Created, int Skipped, string? Error);
