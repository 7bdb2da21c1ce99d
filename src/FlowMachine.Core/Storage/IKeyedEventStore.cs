namespace FlowMachine.Storage;

/// <summary>
/// Events matched to waiting flows by correlation key. The store indexes the waits by (event, key) with the commit
/// that begins them (<see cref="FlowTransition.KeyedWaits"/>) and drops them with the commit that ends them
/// (<see cref="FlowTransition.EndedKeyedWaits"/>), when the event reaches them or when their flow is deleted. It keeps
/// the latest event of each name, key and owner until its <see cref="KeyedEvent.KeepUntil"/>, so that a flow that
/// waits later receives it at once, and remembers the ids of raised events as long.
/// </summary>
public interface IKeyedEventStore
{
    /// <summary>
    /// In one transaction: ignores an event whose <see cref="KeyedEvent.Id"/> was seen (unexpired) before; else
    /// remembers the id, keeps the event (replacing the kept event of its name, key and owner) and adds it to the
    /// events of every flow with a wait for its name and key that its owner may reach, making those flows due and
    /// dropping their waits. Returns how many flows it reached.
    /// </summary>
    ValueTask<KeyedEventResult> RaiseKeyedEventAsync(KeyedEvent raised, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The keyed waits of a flow, by step key.</summary>
    ValueTask<IReadOnlyList<KeyedWait>> GetKeyedWaitsAsync(string flowId, CancellationToken cancellationToken);

    /// <summary>
    /// The unexpired kept events that match the filter, the latest raised first (then by name and key). With an owner, only
    /// the events that user raised.
    /// </summary>
    ValueTask<IReadOnlyList<KeptEventRecord>> ListKeptEventsAsync(KeyedEventFilter filter, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The indexed keyed waits that match the filter, by event name, key, flow id and step key. With an owner, only that user's flows.</summary>
    ValueTask<IReadOnlyList<KeyedWaitRecord>> ListKeyedWaitsAsync(KeyedEventFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes kept events and remembered ids whose time ran out before <paramref name="now"/>. Returns how many kept events went.</summary>
    ValueTask<int> PurgeKeptEventsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
