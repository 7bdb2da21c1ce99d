namespace FlowMachine.Engine;

/// <summary>One limit on a step: a concurrency limit (<see cref="Per"/> null) or a rate limit.</summary>
/// <param name="KeyPath">The context path whose value names the bucket, or null for a fixed bucket.</param>
/// <param name="Bucket">The bucket when there is no path (<c>type:NAME</c>), or null for the step's own (<c>step:ROUTINE/KEY</c>).</param>
/// <param name="Limit">Slots held at once, or starts per window.</param>
/// <param name="Per">The rate window; null for a concurrency limit.</param>
internal sealed record LimitRule(string? KeyPath, string? Bucket, int Limit, TimeSpan? Per)
{
    public bool IsRate => Per is not null;
}
