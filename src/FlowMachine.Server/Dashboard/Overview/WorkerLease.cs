namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>A worker seen holding leases (or this process's own worker), with its last heartbeat.</summary>
/// <param name="Owner">The worker id.</param>
/// <param name="FlowIds">The flows it holds a live lease on that the caller may see.</param>
/// <param name="Leases">How many live leases it holds in all.</param>
/// <param name="LastHeartbeat">When it last took or renewed a lease (lease expiry minus lease duration); null when idle.</param>
/// <param name="Local">Whether it is this server's own worker.</param>
internal sealed record WorkerLease(string Owner, IReadOnlyList<string> FlowIds, int Leases, DateTimeOffset? LastHeartbeat, bool Local);
