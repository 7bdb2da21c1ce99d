namespace FlowMachine.Storage;

/// <summary>A worker process as it registered itself in the store (<see cref="IWorkerRegistry"/>).</summary>
public sealed record WorkerRecord
{
    /// <summary>The worker's id: its engine's lease owner name.</summary>
    public required string Id { get; init; }

    /// <summary>The machine it runs on.</summary>
    public required string Host { get; init; }

    /// <summary>Its process id on that machine.</summary>
    public int ProcessId { get; init; }

    /// <summary>The queues it serves.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>The task types it has loaded, each with its default queue there.</summary>
    public IReadOnlyDictionary<string, string> TaskTypes { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Its last sign of life; a worker is live while this is recent (<see cref="IWorkerRegistry"/>).</summary>
    public DateTimeOffset HeartbeatAt { get; init; }
}
