namespace FlowMachine.Specs;

/// <summary>How often and how late a failed step is tried again.</summary>
public sealed record RetrySpec
{
    /// <summary>Attempts in all, the first included; 1 means no retry.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Delay before the first retry, in seconds.</summary>
    public double DelaySeconds { get; init; } = 1;

    /// <summary>Each further delay is the previous one times this factor.</summary>
    public double Factor { get; init; } = 2;

    /// <summary>The longest delay, in seconds.</summary>
    public double MaxDelaySeconds { get; init; } = 300;

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var seconds = DelaySeconds * Math.Pow(Factor, Math.Max(0, nextAttempt - 2));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelaySeconds));
    }
}
