namespace FlowMachine.Retention;

/// <summary>What one sweep deleted.</summary>
/// <param name="At">When the sweep started.</param>
/// <param name="Deleted">Top-level flows deleted, by the state they had ended in.</param>
/// <param name="Children">Child flows deleted with them.</param>
/// <param name="Elapsed">How long the sweep took.</param>
/// <param name="Error">Why the sweep stopped early, or null.</param>
public sealed record RetentionSweep(DateTimeOffset At, IReadOnlyDictionary<FlowState, long> Deleted, long Children, TimeSpan Elapsed, string? Error = null)
{
    /// <summary>Top-level flows deleted in all.</summary>
    public long Total => Deleted.Values.Sum();
}
