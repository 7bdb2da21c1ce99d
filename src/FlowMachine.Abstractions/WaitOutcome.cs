namespace FlowMachine;

/// <summary>The step waits.</summary>
/// <param name="Reason">Why it waits, shown to people.</param>
/// <param name="EventName">A named event that resumes it, with the event's value as the result.</param>
/// <param name="Until">A time at which it resumes by itself (a durable timer).</param>
public sealed record WaitOutcome(string Reason, string? EventName, DateTimeOffset? Until) : Outcome
{
    /// <summary>
    /// The correlation key of <see cref="EventName"/>: the step waits for the event raised with this key
    /// (<c>POST /api/v1/events/{name}</c>), not for one raised on its flow. Null: an event of the flow.
    /// </summary>
    public string? EventKey { get; init; }
}
