using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>What <see cref="EventVerbs.RaiseAsync"/> did: the store's answer, or the input field at fault and why.</summary>
/// <param name="Raised">What the raise did; null when the input was refused.</param>
/// <param name="Field">The field at fault (<c>name</c>, <c>key</c> or <c>id</c>), or null.</param>
/// <param name="Problem">Why it was refused, or null.</param>
public sealed record EventRaiseResult(KeyedEventResult? Raised, string? Field, string? Problem);
