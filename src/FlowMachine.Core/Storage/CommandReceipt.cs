namespace FlowMachine.Storage;

/// <summary>What a store remembers under a command's idempotency key: the request it came with, and its answer once there is one.</summary>
/// <param name="Request">What the key was first used for (for the API: the caller, method and path).</param>
/// <param name="Status">The answer's status code, or null while the first request is still being handled.</param>
/// <param name="Body">The answer's body, or null while the first request is still being handled.</param>
public sealed record CommandReceipt(string Request, int? Status, string? Body);
