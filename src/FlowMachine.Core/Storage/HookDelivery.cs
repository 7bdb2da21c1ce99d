namespace FlowMachine.Storage;

/// <summary>What a store remembers of a delivery a hook received: the answer given, once there is one.</summary>
/// <param name="Status">The answer's status code, or null while the first delivery is still being handled.</param>
/// <param name="Body">The answer's body, or null while the first delivery is still being handled.</param>
public sealed record HookDelivery(int? Status, string? Body);
