using System.Text.Json.Nodes;
using FlowMachine.Routing;

namespace FlowMachine.Specs;

// A task's queue: which pool of workers runs it.
internal sealed partial class SpecReader
{
    private string? ReadQueue(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (!NodeReader.TryGetString(node, out var queue))
        {
            Error(path, $"'queue' must be a queue name (a string), not {NodeReader.Describe(node)}.", node, parent);
            return null;
        }

        if (QueueNames.Problem(queue) is { } problem)
        {
            Error(path, problem + ".", node, parent);
            return null;
        }

        return queue;
    }
}
