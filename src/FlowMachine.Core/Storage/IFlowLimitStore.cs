namespace FlowMachine.Storage;

/// <summary>
/// Flow control kept in the store, shared by every process: concurrency slots (held under the step's lease)
/// and rate tokens. Slots are released by <see cref="IFlowRuntimeStore.CommitAsync"/> with
/// <see cref="FlowTransition.ReleasedSlots"/> (in the transaction that commits the step's result), by
/// <see cref="ReleaseSlotsAsync"/>, or when they expire with the lease that holds them.
/// </summary>
/// <remarks>
/// A flow refused a slot is registered as a waiter of the key. When a slot of the key is released, the
/// store makes the oldest waiter of that key due at once (and wakes listening workers where it can).
/// </remarks>
public interface IFlowLimitStore
{
    /// <summary>
    /// Takes a slot of <see cref="SlotRequest.Key"/> for the step unless <see cref="SlotRequest.Limit"/> unexpired
    /// slots of the key are held, in one atomic step. A step that holds its slot already keeps it (renewed).
    /// When refused, the flow becomes a waiter of the key (keeping its place if it was one).
    /// </summary>
    /// <returns>True when the slot was taken.</returns>
    ValueTask<bool> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken);

    /// <summary>Releases the flow's slots and makes the oldest waiter of each freed key due at <paramref name="now"/>.</summary>
    ValueTask ReleaseSlotsAsync(string flowId, IReadOnlyList<LimitSlot> slots, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Extends the slots the owner holds for the given flows (called with the lease heartbeat).</summary>
    ValueTask RenewSlotsAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a rate token of <paramref name="key"/>: at most <paramref name="limit"/> are taken in any window of
    /// <paramref name="per"/> (each token comes back exactly <paramref name="per"/> after it was taken).
    /// </summary>
    /// <returns>Null when the token was taken; otherwise when the next token comes back.</returns>
    ValueTask<DateTimeOffset?> TakeTokenAsync(string key, int limit, TimeSpan per, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the slots expired at <paramref name="now"/> (their holder's lease was lost) and makes the oldest waiter of
    /// each key that freed due at <paramref name="now"/>, as a release does. Called with the workers' heartbeat.
    /// </summary>
    /// <returns>True when a waiter was made due.</returns>
    ValueTask<bool> ExpireSlotsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="IFlowRuntimeStore.CommitAsync"/> takes <see cref="FlowTransition.LimitTakes"/> in the
    /// commit's transaction (one write instead of two a step); otherwise the engine takes them with
    /// <see cref="AcquireSlotAsync"/> and <see cref="TakeTokenAsync"/> beside the commit.
    /// </summary>
    bool TakesLimitsInCommit => false;

    /// <summary>How many unexpired slots of <paramref name="key"/> are held at <paramref name="now"/>.</summary>
    ValueTask<int> CountSlotsAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);
}
