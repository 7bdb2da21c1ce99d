namespace FlowMachine.Server.Events;

/// <summary>The answer to an event raised by key.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Key">Its correlation key.</param>
/// <param name="Reached">How many waiting flows it reached now (flows that wait for it later receive the kept event).</param>
/// <param name="Duplicate">True when its id was seen before: it did nothing.</param>
internal sealed record EventRaised(string Name, string Key, int Reached, bool Duplicate);
