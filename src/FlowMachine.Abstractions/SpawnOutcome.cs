namespace FlowMachine;

/// <summary>The step hands work to children and waits for them.</summary>
/// <param name="Children">What to start.</param>
/// <param name="Collect">True: the result is the array of the children's results; false: the single child's result.</param>
public sealed record SpawnOutcome(IReadOnlyList<SpawnRequest> Children, bool Collect) : Outcome;
