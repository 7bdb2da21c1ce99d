namespace FlowMachine.Storage;

/// <summary>The store's size for the dashboard.</summary>
/// <param name="OldestFinishedAt">When the longest-finished flow ended, or null when none has.</param>
/// <param name="DatabaseBytes">The database's size, or null when the store has no file or database (memory).</param>
public sealed record FlowStorageStats(DateTimeOffset? OldestFinishedAt, long? DatabaseBytes);
