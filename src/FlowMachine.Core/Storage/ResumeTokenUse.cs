namespace FlowMachine.Storage;

/// <summary>The answer of <see cref="IResumeTokenStore.ConsumeResumeTokenAsync"/>.</summary>
/// <param name="Status">Whether the token was taken, unknown or expired.</param>
/// <param name="FlowId">The flow of the step that held the token (null when not found).</param>
/// <param name="StepKey">The step that held the token (null when not found).</param>
public readonly record struct ResumeTokenUse(ResumeTokenStatus Status, string? FlowId, string? StepKey)
{
    /// <summary>No waiting step holds the token.</summary>
    public static ResumeTokenUse NotFound => new(ResumeTokenStatus.NotFound, null, null);
}
