namespace FlowMachine.Hooks;

/// <summary>What a delivery did: a document, or why it did nothing.</summary>
/// <param name="Document">What the hook did, when it acted.</param>
/// <param name="Field">The path (such as <c>$body.order.id</c>) or field at fault when the delivery does not map.</param>
/// <param name="Problem">What is wrong: the delivery does not map, or (with <paramref name="Conflict"/>) the key is held.</param>
/// <param name="Conflict">The mapped key belongs to another user's flow: nothing was started.</param>
public sealed record HookDeliveryResult(HookDeliveryDocument? Document, string? Field = null, string? Problem = null, bool Conflict = false);
