namespace FlowMachine.Engine;

/// <summary>The concurrency and rate limits of a task type, set in the options for a type you do not own.</summary>
public sealed record TaskLimits
{
    /// <summary>At most this many steps of the type run at once across every process of the store (0 = no limit).</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>At most this many steps of the type start in any window of <see cref="RatePeriod"/> (0 = no limit).</summary>
    public int RateLimit { get; init; }

    /// <summary>The window of <see cref="RateLimit"/>; one second unless given.</summary>
    public TimeSpan RatePeriod { get; init; } = TimeSpan.FromSeconds(1);
}
