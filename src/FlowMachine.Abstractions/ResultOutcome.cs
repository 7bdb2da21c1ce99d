using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>The step completed with a value.</summary>
/// <param name="Value">The result, as JSON.</param>
/// <param name="ChosenSuccessors">When set, only these successors run; the others are skipped.</param>
public sealed record ResultOutcome(JsonNode? Value, IReadOnlyList<string>? ChosenSuccessors) : Outcome;
