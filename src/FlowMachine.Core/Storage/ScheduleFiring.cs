namespace FlowMachine.Storage;

/// <summary>
/// What one firing of a leased schedule writes, in one transaction: the flows it starts (each with the key
/// <c>schedule:NAME:SLOT</c>; a flow whose key exists is not created again) and the schedule's new state. The
/// lease is released. Nothing is written when <see cref="LeaseOwner"/> no longer holds the schedule.
/// </summary>
public sealed record ScheduleFiring
{
    public required string Name { get; init; }
    public required string LeaseOwner { get; init; }

    /// <summary>The flows to start, oldest slot first; each has <see cref="FlowRecord.Key"/>, <see cref="FlowRecord.Schedule"/> and <see cref="FlowRecord.Slot"/> set.</summary>
    public IReadOnlyList<NewFlow> Flows { get; init; } = [];

    /// <summary>Whether the new state below replaces the schedule's next fire time (a trigger or backfill leaves it).</summary>
    public bool AdvancesNextFire { get; init; } = true;

    public DateTimeOffset? NextFireAt { get; init; }

    /// <summary>The slot of the newest flow started; the stored value is kept when this is null or older.</summary>
    public DateTimeOffset? LastSlot { get; init; }

    /// <summary>The key of the flow that becomes the schedule's last flow (its id is looked up); null keeps the last flow.</summary>
    public string? LastFlowKey { get; init; }

    public DateTimeOffset? BufferedSlot { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset Now { get; init; }
}
