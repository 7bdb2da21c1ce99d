using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace FlowMachine.Routines;

/// <summary>
/// Writes a JSON document as YAML that reads back to the same document: strings double-quoted (so "true" or
/// "12" stay strings), numbers, booleans and null plain, empty objects and lists as <c>{}</c> and <c>[]</c>.
/// </summary>
internal static class JsonToYaml
{
    public static string Write(JsonNode document)
    {
        var stream = new YamlStream(new YamlDocument(Node(document)));
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // The stream ends its document with "...": one document needs no end marker.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode Node(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var mapping = new YamlMappingNode();
                foreach (var (name, value) in obj)
                {
                    mapping.Add(new YamlScalarNode(name), Node(value));
                }

                if (obj.Count == 0)
                {
                    mapping.Style = MappingStyle.Flow;
                }

                return mapping;
            case JsonArray list:
                var sequence = new YamlSequenceNode(list.Select(Node));
                if (list.Count == 0)
                {
                    sequence.Style = SequenceStyle.Flow;
                }

                return sequence;
            case null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            default:
                return node.GetValueKind() == JsonValueKind.String
                    ? new YamlScalarNode(node.GetValue<string>()) { Style = ScalarStyle.DoubleQuoted }
                    : new YamlScalarNode(node.ToJsonString()) { Style = ScalarStyle.Plain };
        }
    }
}
