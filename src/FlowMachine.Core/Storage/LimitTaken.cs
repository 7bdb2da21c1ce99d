namespace FlowMachine.Storage;

/// <summary>What the store answered one <see cref="LimitTake"/> of a commit.</summary>
/// <param name="Granted">How many of its asks were taken, from the first; fewer than all when the next one was refused.</param>
/// <param name="TokenBack">When the refused ask is a rate token: when the next token comes back.</param>
public readonly record struct LimitTaken(int Granted, DateTimeOffset? TokenBack);
