namespace FlowMachine.Storage;

/// <summary>A step that waits for the event <paramref name="EventName"/> raised with the correlation key <paramref name="Key"/>.</summary>
/// <param name="StepKey">The waiting step of the flow.</param>
/// <param name="EventName">The event's name.</param>
/// <param name="Key">The correlation key.</param>
public sealed record KeyedWait(string StepKey, string EventName, string Key);
