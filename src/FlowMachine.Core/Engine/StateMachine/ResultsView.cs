using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The completed steps' results by key, read straight from the flow's step records so that giving
/// a task its context costs nothing however long the flow is.
/// </summary>
internal sealed class ResultsView(FlowPlan plan, StepRecord[] steps) : IReadOnlyDictionary<string, JsonNode?>
{
    public JsonNode? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Step '{key}' has no result.");

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<JsonNode?> Values => this.Select(p => p.Value);

    public int Count => steps.Count(s => s.State == StepState.Completed);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonNode? value)
    {
        if (plan.IndexOf.TryGetValue(key, out var index) && steps[index].State == StepState.Completed)
        {
            value = steps[index].Result;
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator()
    {
        foreach (var step in steps)
        {
            if (step.State == StepState.Completed)
            {
                yield return new(step.Key, step.Result);
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
