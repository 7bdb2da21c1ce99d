namespace FlowMachine.Storage;

/// <summary>
/// The concurrency slots and rate tokens one step takes with the commit that starts it
/// (<see cref="FlowTransition.LimitTakes"/>), in order: the first one refused ends the take, and the ones taken
/// before it stay taken (the engine releases them with its next commit).
/// </summary>
/// <param name="StepKey">The step the slots are held for.</param>
/// <param name="Asks">The slots and tokens, in the order they are taken.</param>
public sealed record LimitTake(string StepKey, IReadOnlyList<LimitAsk> Asks);
