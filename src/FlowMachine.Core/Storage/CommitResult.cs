namespace FlowMachine.Storage;

/// <summary>What a commit reports back.</summary>
/// <param name="HasCommands">New commands wait for the flow (apply them before going on).</param>
public readonly record struct CommitResult(bool HasCommands)
{
    /// <summary>
    /// The commit released a slot and made a waiting flow due (<see cref="FlowTransition.ReleasedSlots"/>): a store
    /// without notifications says so, so that the engine wakes its own workers.
    /// </summary>
    public bool WokeWaiter { get; init; }

    /// <summary>The answer to each of <see cref="FlowTransition.LimitTakes"/>, in order; null when the commit took none.</summary>
    public IReadOnlyList<LimitTaken>? LimitsTaken { get; init; }
}
