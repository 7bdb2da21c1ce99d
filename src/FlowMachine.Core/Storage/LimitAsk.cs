namespace FlowMachine.Storage;

/// <summary>One slot or token of a <see cref="LimitTake"/>.</summary>
/// <param name="Key">The bucket.</param>
/// <param name="Limit">Slots held at once, or tokens per window.</param>
/// <param name="Per">The rate window of a token; null for a concurrency slot.</param>
public readonly record struct LimitAsk(string Key, int Limit, TimeSpan? Per);
