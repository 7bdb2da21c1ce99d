namespace FlowMachine.Retention;

/// <summary>
/// How long finished flows of one routine are kept, by the state they ended in. A state left null keeps
/// the global period (<see cref="RetentionPolicy"/>); <see cref="RetentionPolicy.Forever"/> keeps them for good.
/// </summary>
public sealed class RetentionPeriods
{
    public TimeSpan? Completed { get; set; }
    public TimeSpan? Failed { get; set; }
    public TimeSpan? Killed { get; set; }
    public TimeSpan? Cancelled { get; set; }

    /// <summary>The period this sets for <paramref name="state"/>, or null when it keeps the global one.</summary>
    public TimeSpan? For(FlowState state) => state switch
    {
        FlowState.Completed => Completed,
        FlowState.Failed => Failed,
        FlowState.Killed => Killed,
        FlowState.Cancelled => Cancelled,
        _ => null,
    };
}
