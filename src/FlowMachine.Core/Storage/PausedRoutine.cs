namespace FlowMachine.Storage;

/// <summary>A paused routine: since when, and who paused it.</summary>
public sealed record PausedRoutine(string Name, DateTimeOffset PausedAt, string? PausedBy);
