namespace FlowMachine.Storage;

/// <summary>What raising an event by key did.</summary>
/// <param name="Reached">How many waiting flows it reached now.</param>
/// <param name="Duplicate">True when its id was seen before: it did nothing.</param>
public sealed record KeyedEventResult(int Reached, bool Duplicate);
