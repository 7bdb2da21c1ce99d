namespace FlowMachine.Storage;

/// <summary>A step asking for a concurrency slot of <see cref="Key"/>, of which at most <see cref="Limit"/> may be held at once.</summary>
/// <param name="Key">The limit's key, such as <c>customer:42</c> or <c>type:example.Slow</c>.</param>
/// <param name="Limit">How many slots of the key may be held at once.</param>
/// <param name="FlowId">The flow whose step asks.</param>
/// <param name="StepKey">The step that asks.</param>
/// <param name="Owner">The lease owner running the step; its lease heartbeat renews the slot.</param>
/// <param name="Now">The time of the request: slots that expired by then are free.</param>
/// <param name="ExpiresAt">When the slot expires unless renewed (the flow's lease expiry).</param>
public sealed record SlotRequest(string Key, int Limit, string FlowId, string StepKey, string Owner, DateTimeOffset Now, DateTimeOffset ExpiresAt);
