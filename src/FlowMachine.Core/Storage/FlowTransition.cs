namespace FlowMachine.Storage;

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

    /// <summary>Attributes the flow's tasks set since the last commit (<see cref="TaskContext.SetAttribute"/>): added, or replacing one of the same name.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = FlowTags.NoAttributes;

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

    /// <summary>
    /// Concurrency slots of the flow's steps to release with this commit (<see cref="IFlowLimitStore"/>): the oldest
    /// waiter of each freed key is made due at the commit's time (<see cref="FlowRecord.UpdatedAt"/>).
    /// </summary>
    public IReadOnlyList<LimitSlot> ReleasedSlots { get; init; } = [];

    /// <summary>
    /// True when a step of the flow was just refused a slot and the flow waits for one: if a slot of a key it waits
    /// for was freed (or it was woken) before this commit, the store keeps the flow due now, so no wake is lost.
    /// </summary>
    public bool WaitsForSlot { get; init; }

    /// <summary>
    /// True when the flow ends with this commit and its steps have limits: the store frees every slot the flow still
    /// holds (waking the oldest waiter of each freed key) and drops its waiter rows, so none lingers.
    /// </summary>
    public bool EndsLimits { get; init; }

    /// <summary>
    /// Steps (by key) whose wait for a named event ended with this commit: the store drops their keyed waits
    /// (<see cref="IKeyedEventStore"/>), if they had any, before it adds <see cref="KeyedWaits"/>.
    /// </summary>
    public IReadOnlyList<string> EndedKeyedWaits { get; init; } = [];

    /// <summary>
    /// Waits for an event by correlation key that begin with this commit. For each, the store delivers the latest
    /// unexpired kept event of that name and key the flow's owner may receive (into the flow's events, as input that
    /// makes the released flow due; a store without notifications says so with <see cref="CommitResult.WokeWaiter"/>),
    /// or else indexes the wait by (event, key)
    /// so that <see cref="IKeyedEventStore.RaiseKeyedEventAsync"/> finds it.
    /// </summary>
    public IReadOnlyList<KeyedWait> KeyedWaits { get; init; } = [];

    /// <summary>
    /// Slots and tokens the steps this commit starts take in its transaction, after <see cref="ReleasedSlots"/> are
    /// freed, when the store takes them there (<see cref="IFlowLimitStore.TakesLimitsInCommit"/>): its answer is
    /// <see cref="CommitResult.LimitsTaken"/>, one per take. A slot is held until <see cref="SlotsExpireAt"/>.
    /// </summary>
    public IReadOnlyList<LimitTake> LimitTakes { get; init; } = [];

    /// <summary>When the slots of <see cref="LimitTakes"/> expire unless renewed (the lease's end).</summary>
    public DateTimeOffset SlotsExpireAt { get; init; }

    /// <summary>True when nothing but the flow row changes.</summary>
    public bool IsEmpty => Steps.Count == 0 && History.Count == 0 && ConsumedCommands.Count == 0 && ConsumedEvents.Count == 0 && NewFlows.Count == 0 && Commands.Count == 0
        && EndedKeyedWaits.Count == 0 && KeyedWaits.Count == 0 && LimitTakes.Count == 0;
}
