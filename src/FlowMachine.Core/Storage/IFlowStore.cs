using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>
/// Where flows live. The store is the source of truth: a flow is changed only by
/// <see cref="CommitAsync"/> (under the flow's lease) or by queueing a command that the
/// flow's worker applies. Every provider passes the same conformance suite.
/// </summary>
public interface IFlowStore
{
    /// <summary>Creates schema or prepares the store; called once at start.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    // Routines -------------------------------------------------------------------------------

    /// <summary>Stores a routine; an unchanged spec returns the current version, a changed one makes a new version.</summary>
    ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A routine's given version, or its newest when <paramref name="version"/> is null.</summary>
    ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken);

    /// <summary>The newest version of every routine, by name.</summary>
    ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken);

    /// <summary>Every version of one routine, oldest first.</summary>
    ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken);

    // Flows ----------------------------------------------------------------------------------

    /// <summary>
    /// Creates a flow with its steps and first history event in one transaction. When a flow with the
    /// same <see cref="FlowRecord.Key"/> exists, nothing is written and that flow is returned.
    /// </summary>
    ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken);

    ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken);

    ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>The flow's steps in spec order.</summary>
    ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>A page of flows, newest first.</summary>
    ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken);

    /// <summary>The flow's history after <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Counts of flows by state (for dashboards and metrics).</summary>
    ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken);

    // Outside input --------------------------------------------------------------------------

    /// <summary>Queues a command for the flow and makes it due now. Returns false when the flow does not exist.</summary>
    ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Adds a named event to the flow's inbox and makes it due now. Returns false when the flow does not exist.</summary>
    ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Finds the waiting step that holds a resume token.</summary>
    ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a resume token atomically: of any number of callers (in any number of processes) only the first
    /// gets <see cref="ResumeTokenStatus.Consumed"/>; the step's token is cleared and the token is remembered as
    /// used, so a later commit that still carries it cannot make it usable again. A token whose step started
    /// (<see cref="StepRecord.StartedAt"/>) more than <paramref name="lifetime"/> before <paramref name="now"/>
    /// is <see cref="ResumeTokenStatus.Expired"/> and is not taken.
    /// </summary>
    ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken);

    // Claiming -------------------------------------------------------------------------------

    /// <summary>
    /// Leases up to <paramref name="max"/> due flows (<see cref="FlowRecord.NextRunAt"/> ≤ now, no live lease)
    /// to <paramref name="owner"/> and returns them with their steps, commands and events.
    /// </summary>
    ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Leases one given flow if it is due and not leased by another owner; null otherwise.</summary>
    ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

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

    /// <summary>Commands queued for a flow since it was claimed.</summary>
    ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>The earliest <see cref="FlowRecord.NextRunAt"/> of any unleased flow, or the earliest lease expiry.</summary>
    ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken);
}

/// <summary>A flow to create.</summary>
public sealed record NewFlow(FlowRecord Flow, IReadOnlyList<StepRecord> Steps, IReadOnlyList<HistoryEvent> History);

/// <summary>The flow created, or the existing flow with the same key.</summary>
public sealed record CreateFlowResult(FlowRecord Flow, bool Created);

/// <summary>A leased flow with everything needed to run it.</summary>
public sealed record ClaimedFlow(FlowRecord Flow, IReadOnlyList<StepRecord> Steps, IReadOnlyList<FlowCommand> Commands, IReadOnlyList<FlowEvent> Events, long LastSeq);

/// <summary>Filters and paging for flow lists.</summary>
public sealed record FlowQuery
{
    public FlowState? State { get; init; }
    public string? Routine { get; init; }
    public string? Key { get; init; }
    public string? Owner { get; init; }
    public string? ParentFlowId { get; init; }
    public int Limit { get; init; } = 50;

    /// <summary>The cursor from a previous page's <see cref="FlowPage.Next"/>.</summary>
    public string? After { get; init; }
}

/// <summary>A page of flows and the cursor of the next page (null when none).</summary>
public sealed record FlowPage(IReadOnlyList<FlowRecord> Items, string? Next);

/// <summary>
/// One atomic change to a flow: its new row, changed steps, new history, consumed commands and events,
/// children to create and commands for other flows (a finished child tells its parent).
/// </summary>
public sealed record FlowTransition
{
    public required string LeaseOwner { get; init; }

    /// <summary>The flow's new row. Its lease fields are ignored unless <see cref="Release"/>.</summary>
    public required FlowRecord Flow { get; init; }

    /// <summary>Whether <see cref="FlowRecord.Data"/> changed and must be written.</summary>
    public bool DataChanged { get; init; }

    /// <summary>
    /// False when <see cref="FlowRecord.State"/> is the state the flow's row holds already (most steps of a
    /// running flow): a store may then leave the state column, and any index on it, alone.
    /// </summary>
    public bool StateChanged { get; init; } = true;

    /// <summary>True: clear the lease with this commit.</summary>
    public bool Release { get; init; }

    public IReadOnlyList<StepRecord> Steps { get; init; } = [];
    public IReadOnlyList<HistoryEvent> History { get; init; } = [];
    public IReadOnlyList<long> ConsumedCommands { get; init; } = [];
    public IReadOnlyList<long> ConsumedEvents { get; init; } = [];
    public IReadOnlyList<NewFlow> NewFlows { get; init; } = [];
    public IReadOnlyList<OutgoingCommand> Commands { get; init; } = [];

    /// <summary>
    /// The highest event id the engine has seen for this flow. On a releasing commit the store makes the
    /// flow due again when commands remain or newer events came in, so input that arrives while a worker
    /// lets go is never stranded.
    /// </summary>
    public long KnownEventId { get; init; }

    /// <summary>True when nothing but the flow row changes.</summary>
    public bool IsEmpty => Steps.Count == 0 && History.Count == 0 && ConsumedCommands.Count == 0 && ConsumedEvents.Count == 0 && NewFlows.Count == 0 && Commands.Count == 0;
}

/// <summary>A command for another flow, written with a transition.</summary>
public sealed record OutgoingCommand(string FlowId, string Kind, string? StepKey, JsonNode? Payload);

/// <summary>What a commit reports back.</summary>
/// <param name="HasCommands">New commands wait for the flow (apply them before going on).</param>
public readonly record struct CommitResult(bool HasCommands);

/// <summary>The flow's lease belongs to another owner now; the caller must drop the flow without writing.</summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException(string flowId, string owner)
        : base($"Worker '{owner}' no longer holds the lease on flow {flowId}; another worker has taken it over.")
    {
        FlowId = flowId;
    }

    public LeaseLostException()
    {
        FlowId = string.Empty;
    }

    public LeaseLostException(string message) : base(message)
    {
        FlowId = string.Empty;
    }

    public LeaseLostException(string message, Exception innerException) : base(message, innerException)
    {
        FlowId = string.Empty;
    }

    public string FlowId { get; }
}
