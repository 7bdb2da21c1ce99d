using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FlowMachine.Specs;

/// <summary>
/// Turns YAML text into a JSON node tree, remembering each node's source line for error messages.
/// Built on the event parser with an explicit stack (not the recursive representation model), so deep
/// nesting is refused at <see cref="MaxDepth"/> instead of exhausting the stack, and alias expansion is
/// capped so a "billion laughs" document cannot exhaust memory.
/// </summary>
internal sealed partial class YamlToJson
{
    public const int MaxDepth = 64;
    private const int MaxNodes = 1_000_000;

    private readonly Dictionary<JsonNode, int> lines = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (JsonNode? Node, int Size)> anchors = new(StringComparer.Ordinal);
    private readonly Stack<Frame> stack = new();
    private int nodeCount;
    private int lastLine = 1;

    private YamlToJson()
    {
    }

    /// <summary>Converts <paramref name="text"/>; on failure returns null and sets <paramref name="error"/>.</summary>
    public static JsonNode? Convert(string text, out IReadOnlyDictionary<JsonNode, int> lines, out SpecError? error)
    {
        var converter = new YamlToJson();
        lines = converter.lines;
        try
        {
            return converter.Run(text, out error);
        }
        catch (YamlException ex)
        {
            error = new SpecError(SpecPath.Root, "The YAML is not valid: " + StripMarks(ex.Message), LineOf(ex.Start));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            // YamlDotNet throws these for some malformed input instead of a YamlException; the last
            // good event is the best position there is.
            error = new SpecError(SpecPath.Root, $"The YAML is not valid: the parser stopped after line {converter.lastLine} ({ex.Message}).", converter.lastLine);
            return null;
        }
    }

    private JsonNode? Run(string text, out SpecError? error)
    {
        error = null;
        var parser = new Parser(new StringReader(text));
        JsonNode? root = null;
        var documents = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            var line = LineOf(current.Start);
            lastLine = line;
            switch (current)
            {
                case DocumentStart:
                    if (++documents > 1)
                    {
                        error = new SpecError(SpecPath.Root, "The YAML has more than one document ('---'); a spec is a single document.", line);
                        return null;
                    }

                    break;
                case MappingStart start:
                    if (!Open(new JsonObject(), start.Anchor, line, out error))
                    {
                        return null;
                    }

                    break;
                case SequenceStart start:
                    if (!Open(new JsonArray(), start.Anchor, line, out error))
                    {
                        return null;
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    var frame = stack.Pop();
                    Remember(frame.Anchor, frame.Node, nodeCount - frame.CountAtStart);
                    if (!Add(frame.Node, frame.Line, out error, ref root))
                    {
                        return null;
                    }

                    break;
                case Scalar scalar:
                    nodeCount++;
                    var value = ScalarValue(scalar);
                    if (value is not null)
                    {
                        lines[value] = line;
                    }

                    Remember(scalar.Anchor, value, 1);
                    if (!Add(value, line, out error, ref root))
                    {
                        return null;
                    }

                    break;
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                    {
                        error = new SpecError(SpecPath.Root, $"The YAML alias '*{alias.Value.Value}' names no earlier complete anchor.", line);
                        return null;
                    }

                    nodeCount += anchored.Size;
                    if (nodeCount > MaxNodes)
                    {
                        error = new SpecError(SpecPath.Root, $"The YAML expands to more than {MaxNodes} values through aliases.", line);
                        return null;
                    }

                    if (!Add(anchored.Node?.DeepClone(), line, out error, ref root))
                    {
                        return null;
                    }

                    break;
            }
        }

        if (documents == 0)
        {
            error = new SpecError(SpecPath.Root, "The spec is empty: expected an object with 'tasks' or a list of task names.");
        }

        return root;
    }

    private bool Open(JsonNode node, AnchorName anchor, int line, out SpecError? error)
    {
        error = null;
        nodeCount++;
        if (stack.Count >= MaxDepth)
        {
            error = new SpecError(SpecPath.Root, $"The spec is nested deeper than {MaxDepth} levels.", line);
            return false;
        }

        if (stack.TryPeek(out var parent) && parent.Node is JsonObject && parent.PendingKey is null)
        {
            error = new SpecError(SpecPath.Root, "The YAML uses a list or mapping as a mapping key; keys must be plain text.", line);
            return false;
        }

        lines[node] = line;
        stack.Push(new Frame(node, anchor.IsEmpty ? null : anchor.Value, line, nodeCount));
        return true;
    }

    private void Remember(AnchorName anchor, JsonNode? node, int size)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = (node, size);
        }
    }

    /// <summary>Puts a finished node into its parent (or makes it the root).</summary>
    private bool Add(JsonNode? node, int line, out SpecError? error, ref JsonNode? root)
    {
        error = null;
        if (!stack.TryPeek(out var parent))
        {
            root = node;
            return true;
        }

        if (parent.Node is JsonArray array)
        {
            array.Add(node);
            return true;
        }

        var obj = (JsonObject)parent.Node;
        if (parent.PendingKey is null)
        {
            // A mapping key: only scalars get here (collections are refused in Open).
            parent.PendingKey = node switch
            {
                null => "null",
                JsonValue => NodeReader.TryGetString(node, out var s) ? s : node.ToJsonString(),
                _ => node.ToJsonString(),
            };
            return true;
        }

        var key = parent.PendingKey;
        parent.PendingKey = null;
        if (obj.ContainsKey(key))
        {
            error = new SpecError(SpecPath.Root, $"The YAML repeats the key '{key}' in one mapping.", line);
            return false;
        }

        obj[key] = node;
        return true;
    }

    /// <summary>
    /// Plain scalars that look like YAML 1.2 core-schema ints, floats, booleans or nulls become those JSON
    /// types; quoted and block scalars, and anything explicitly tagged <c>!!str</c>, stay strings.
    /// </summary>
    private static JsonNode? ScalarValue(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        var isStringTag = tag is "tag:yaml.org,2002:str" or "!!str";
        if (scalar.Style != ScalarStyle.Plain || isStringTag || (tag is not null && tag != "!"  && !tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal)))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            // Element-backed numbers read as any numeric type (GetValue<int>() works), like parsed JSON.
            return JsonNode.Parse(l.ToString(CultureInfo.InvariantCulture));
        }

        if ((IntPattern().IsMatch(text) || FloatPattern().IsMatch(text))
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d))
        {
            return JsonNode.Parse(d.ToString("R", CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    private static int LineOf(Mark mark) => (int)Math.Clamp(mark.Line, 1, int.MaxValue);

    private static string StripMarks(string message) => MarkPrefix().Replace(message, "").Trim();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();

    private sealed class Frame(JsonNode node, string? anchor, int line, int countAtStart)
    {
        public JsonNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public int Line { get; } = line;

        public int CountAtStart { get; } = countAtStart;

        public string? PendingKey { get; set; }
    }
}
