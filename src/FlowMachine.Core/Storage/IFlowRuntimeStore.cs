using System.Text.Json.Nodes;
using FlowMachine.Routing;

namespace FlowMachine.Storage;

/// <summary>
/// What the engine and its workers need of a store: creating flows, claiming and leasing them, committing
/// transitions under the lease, and input from outside (commands and events). A flow is changed only by
/// <see cref="CommitAsync"/> (under the flow's lease) or by queueing a command that the flow's worker applies.
/// </summary>
public interface IFlowRuntimeStore
{
    /// <summary>
    /// Creates a flow with its steps and first history event in one transaction. When a flow with the
    /// same <see cref="FlowRecord.Key"/> exists, nothing is written and that flow is returned.
    /// </summary>
    ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken);

    /// <summary>Queues a command for the flow and makes it due now. Returns false when the flow does not exist.</summary>
    ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a command as <see cref="EnqueueCommandAsync(string, string, string?, JsonNode?, string?, DateTimeOffset, CancellationToken)"/>
    /// does and, in the same transaction, leases the flow to <paramref name="claim"/>'s owner exactly when a claim round
    /// would take it: due, runnable, its route accepted, and unleased or its lease run out. A flow under a live lease
    /// (the claim's owner's too: its run may be letting go of a state this claim would read stale) is left to its holder.
    /// </summary>
    /// <returns>Whether the flow exists, and the flow as claimed (with its steps, commands and events) when it was leased.</returns>
    ValueTask<QueuedCommand> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CommandClaim claim, CancellationToken cancellationToken);

    /// <summary>Adds a named event to the flow's inbox and makes it due now. Returns false when the flow does not exist.</summary>
    ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> due flows (<see cref="FlowRecord.NextRunAt"/> ≤ now, no live lease)
    /// to <paramref name="owner"/> and returns them with their steps, commands and events.
    /// </summary>
    ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ClaimDueAsync(string, int, DateTimeOffset, TimeSpan, CancellationToken)"/>, taking only flows without a
    /// <see cref="FlowRecord.Route"/> or with one that <paramref name="routes"/> holds (null: any flow). Claiming clears the route.
    /// </summary>
    ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Leases one given flow if it is due and not leased by another owner; null otherwise.</summary>
    ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>As <see cref="ClaimFlowAsync(string, string, DateTimeOffset, TimeSpan, CancellationToken)"/>, only when the flow has no route or one that <paramref name="routes"/> holds (null: any).</summary>
    ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the owner's leases. Returns the ids whose lease was lost.</summary>
    ValueTask<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one transition in one transaction, only while <see cref="FlowTransition.LeaseOwner"/> holds the lease.
    /// </summary>
    /// <remarks>
    /// The store may keep the step records and JSON nodes of the transition (results, data, history
    /// details) instead of copying them: once committed, the engine replaces such records and nodes and
    /// never edits them. The flow row is edited further: a store that keeps it must copy it.
    /// </remarks>
    /// <exception cref="LeaseLostException">Another owner has the flow.</exception>
    ValueTask<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a running step's progress (<see cref="StepRecord.Progress"/>, <see cref="StepRecord.ProgressAt"/>) in a small
    /// write of its own, apart from <see cref="CommitAsync"/>: only while <paramref name="owner"/> holds the flow's lease
    /// and the step is RUNNING. Commits leave the stored progress as it is.
    /// </summary>
    /// <returns>False, and nothing written, when the lease or the step's state does not match.</returns>
    ValueTask<bool> SaveProgressAsync(string flowId, string stepKey, string owner, JsonNode progress, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Commands queued for a flow since it was claimed.</summary>
    ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>The earliest <see cref="FlowRecord.NextRunAt"/> of any unleased flow, or the earliest lease expiry.</summary>
    ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken);

    /// <summary>As <see cref="GetNextDueAsync(CancellationToken)"/>, counting only unleased flows that a worker with <paramref name="routes"/> may claim.</summary>
    ValueTask<DateTimeOffset?> GetNextDueAsync(RouteSet? routes, CancellationToken cancellationToken);
}
