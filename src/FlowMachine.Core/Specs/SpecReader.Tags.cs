using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Specs;

// cfg.tags: a list of tags every flow of the spec gets; cfg.priority: the priority its flows get unless their start gives one.
internal sealed partial class SpecReader
{
    private IReadOnlyList<string> ReadTags(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            Error(path, $"'tags' must be a list of strings, not {NodeReader.Describe(node)}.", node, parent);
            return [];
        }

        var tags = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (!NodeReader.TryGetString(array[i], out var tag))
            {
                Error(SpecPath.Index(path, i), $"a tag must be a string, not {NodeReader.Describe(array[i])}.", array[i], array);
            }
            else if (FlowTags.TagError(tag) is { } error)
            {
                Error(SpecPath.Index(path, i), error + ".", array[i], array);
            }
            else
            {
                tags.Add(tag);
            }
        }

        var (combined, tooMany) = FlowTags.Combine(tags, null);
        if (tooMany is not null)
        {
            Error(path, tooMany + ".", node, parent);
        }

        return combined;
    }

    private int? ReadPriority(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (!NodeReader.TryGetInt(node, out var priority))
        {
            Error(path, $"'priority' must be a whole number from {FlowPriority.Min} to {FlowPriority.Max}, not {NodeReader.Describe(node)}.", node, parent);
            return null;
        }

        if (FlowPriority.Error(priority) is { } error)
        {
            Error(path, error + ".", node, parent);
            return null;
        }

        return priority;
    }
}
