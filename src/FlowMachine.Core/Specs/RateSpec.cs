namespace FlowMachine.Specs;

/// <summary>
/// A rate limit (<c>rate: { limit: 100, per: 60s, key: "$input.tenant" }</c>): at most <see cref="Limit"/>
/// starts in any window of <see cref="PerSeconds"/>, per key value, across every process of the store.
/// </summary>
public sealed record RateSpec
{
    /// <summary>Starts allowed in any window of <see cref="PerSeconds"/>; at least 1.</summary>
    public int Limit { get; init; } = 1;

    /// <summary>The window, in seconds; greater than 0.</summary>
    public double PerSeconds { get; init; } = 1;

    /// <summary>A context path resolved at step start; null: one bucket for the step.</summary>
    public string? Key { get; init; }
}
