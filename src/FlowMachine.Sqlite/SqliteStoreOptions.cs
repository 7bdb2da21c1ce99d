namespace FlowMachine.Sqlite;

/// <summary>Settings of <see cref="SqliteFlowStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file. Its folder is created when missing.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// True (default): <c>synchronous=FULL</c>, every commit survives a power cut; the group commit shares one
    /// flush among all the requests of a batch. False: <c>synchronous=NORMAL</c>, which in WAL mode survives a
    /// process crash and may lose the last commits on power loss, and a lone commit does not wait for the disk.
    /// </summary>
    public bool SynchronousFull { get; init; } = true;

    /// <summary>The most write requests applied in one transaction by the group commit.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>How many read connections may be open at once.</summary>
    public int MaxReaders { get; init; } = 4;

    /// <summary>How long a statement waits for a lock held by another process before it fails.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest the database file may grow, in bytes (null: as large as the disk allows). Writes beyond
    /// it fail like a full disk, with a clear error, and nothing stored is harmed.
    /// </summary>
    public long? MaxDatabaseBytes { get; init; }
}
