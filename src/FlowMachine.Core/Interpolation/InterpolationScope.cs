using System.Text.Json.Nodes;

namespace FlowMachine.Interpolation;

/// <summary>What <c>$</c> paths in task params can refer to.</summary>
/// <param name="Input">The flow's input (<c>$input</c>).</param>
/// <param name="Data">The flow's data (<c>$data</c>).</param>
/// <param name="Results">
/// Results of completed steps only, by key (<c>$tasks.KEY.result</c>). A key present with a null value
/// is a step that completed with null; a missing key is a step that has not completed.
/// </param>
public sealed record InterpolationScope(JsonNode? Input, JsonObject Data, IReadOnlyDictionary<string, JsonNode?> Results);
