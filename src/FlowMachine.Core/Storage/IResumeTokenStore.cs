namespace FlowMachine.Storage;

/// <summary>The resume tokens of waiting steps: finding the step a token names, and taking a token once.</summary>
public interface IResumeTokenStore
{
    /// <summary>Finds the waiting step that holds a resume token.</summary>
    ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a resume token atomically: of any number of callers (in any number of processes) only the first
    /// gets <see cref="ResumeTokenStatus.Consumed"/>; the step's token is cleared and the token is remembered as
    /// used, so a later commit that still carries it cannot make it usable again. A token whose step started
    /// (<see cref="StepRecord.StartedAt"/>) more than <paramref name="lifetime"/> before <paramref name="now"/>
    /// is <see cref="ResumeTokenStatus.Expired"/> and is not taken.
    /// </summary>
    ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken);
}
