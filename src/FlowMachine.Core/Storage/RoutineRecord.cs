namespace FlowMachine.Storage;

/// <summary>A stored routine version.</summary>
public sealed record RoutineRecord(string Name, int Version, string SpecJson, string? Owner, DateTimeOffset CreatedAt);
