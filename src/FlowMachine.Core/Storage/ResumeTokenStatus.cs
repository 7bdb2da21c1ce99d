namespace FlowMachine.Storage;

/// <summary>What <see cref="IResumeTokenStore.ConsumeResumeTokenAsync"/> found.</summary>
public enum ResumeTokenStatus
{
    /// <summary>No waiting step holds the token: it never existed, was used already or its step moved on.</summary>
    NotFound,

    /// <summary>This caller took the token; no other caller ever will.</summary>
    Consumed,

    /// <summary>A waiting step holds the token, but it was issued longer ago than the lifetime allows.</summary>
    Expired,
}
