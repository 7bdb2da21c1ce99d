namespace FlowMachine.Storage;

/// <summary>How many flows are due and unleased with one route (null: any worker may take them), and since when the oldest is due.</summary>
public sealed record RouteDepth(string? Route, int Count, DateTimeOffset OldestDueAt);
