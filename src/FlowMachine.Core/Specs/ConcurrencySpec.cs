namespace FlowMachine.Specs;

/// <summary>
/// A concurrency limit (<c>concurrency: { key: "$input.customer", limit: 1 }</c>): at most <see cref="Limit"/>
/// steps with the same key value run at once, across every process of the store.
/// </summary>
public sealed record ConcurrencySpec
{
    /// <summary>A context path (<c>$input.x</c>, <c>$data.x</c>, <c>$tasks.KEY.result.x</c>) resolved at step start; null: one pool for the step.</summary>
    public string? Key { get; init; }

    /// <summary>How many may run at once; at least 1.</summary>
    public int Limit { get; init; } = 1;
}
