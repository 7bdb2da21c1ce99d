namespace FlowMachine.Storage;

/// <summary>What a commit reports back.</summary>
/// <param name="HasCommands">New commands wait for the flow (apply them before going on).</param>
public readonly record struct CommitResult(bool HasCommands);
