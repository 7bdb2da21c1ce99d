namespace FlowMachine.Storage;

/// <summary>
/// What a command's write did: whether the flow exists (the command was queued), and the flow when the same
/// transaction leased it to the claim's owner (null: it is left to its holder or to a claim round).
/// </summary>
public sealed record QueuedCommand(bool Found, ClaimedFlow? Claimed);
