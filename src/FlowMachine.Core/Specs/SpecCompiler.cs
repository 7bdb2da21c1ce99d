using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Registry;

namespace FlowMachine.Specs;

/// <summary>
/// The single entry point from spec text or JSON to a validated <see cref="FlowSpec"/>. Accepts the
/// MissionControl format (label, key, cfg, data, tasks) in JSON or YAML, and a plain list of task names.
/// Never throws for bad input: every problem is returned as a <see cref="SpecError"/> naming its path.
/// </summary>
public static class SpecCompiler
{
    /// <summary>How deep a spec may nest objects and lists.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
    };

    /// <summary>Compiles spec text: JSON when it starts with <c>{</c> (or a JSON comment), otherwise YAML (which also covers JSON lists).</summary>
    /// <param name="text">The spec text.</param>
    /// <param name="catalog">The task types the spec may use.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null (bad input text never throws).</exception>
    public static SpecResult Compile(string text, ITaskCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        text = (text ?? "").TrimStart('\uFEFF'); // null reads as empty; a byte-order mark left by an editor is not content
        if (string.IsNullOrWhiteSpace(text))
        {
            return Fail("The spec is empty: expected an object with 'tasks' or a list of task names.");
        }

        if (FindBrokenSurrogate(text) is { } brokenLine)
        {
            return Fail("The text is not valid Unicode: it has a lone surrogate character (a broken emoji or encoding).", brokenLine);
        }

        JsonNode? node;
        IReadOnlyDictionary<JsonNode, int>? lines = null;
        if (LooksLikeJson(text))
        {
            try
            {
                node = JsonNode.Parse(text, documentOptions: JsonOptions);
            }
            catch (JsonException ex)
            {
                var line = ex.LineNumber is { } l ? (int)Math.Min(l + 1, int.MaxValue) : (int?)null;
                return Fail("The JSON is not valid: " + ex.Message, line);
            }
        }
        else
        {
            // YAML 1.2 is a superset of JSON, so a JSON list like ["a", "b"] parses here too.
            node = YamlToJson.Convert(text, out var yamlLines, out var error);
            if (error is not null)
            {
                return new SpecResult(null, [error]);
            }

            lines = yamlLines;
        }

        return Read(node, catalog, lines);
    }

    /// <summary>Compiles an already-parsed spec document. The document is not modified or kept.</summary>
    /// <param name="node">The spec: an object in the spec format, or a list of task names.</param>
    /// <param name="catalog">The task types the spec may use.</param>
    public static SpecResult Compile(JsonNode? node, ITaskCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Read(node, catalog, null);
    }

    /// <summary>Compiles without a catalog (task types are trusted): for reloading stored specs.</summary>
    internal static SpecResult CompileTrusted(JsonNode? node) => Read(node, null, null);

    private static SpecResult Read(JsonNode? node, ITaskCatalog? catalog, IReadOnlyDictionary<JsonNode, int>? lines)
    {
        try
        {
            return SpecReader.Read(node, catalog, lines);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A safety net only: the reader is written not to throw. Reporting beats crashing a caller
            // that validates untrusted input; tests assert this message never appears.
            return Fail($"Internal error while reading the spec ({ex.GetType().Name}): {ex.Message}");
        }
    }

    /// <summary>The 1-based line of the first unpaired UTF-16 surrogate, which neither parser can encode.</summary>
    private static int? FindBrokenSurrogate(string text)
    {
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>
    /// JSON when the first significant character is <c>{</c>, or when the text opens with a JSON comment
    /// (<c>//</c> or <c>/*</c>), which YAML does not have.
    /// </summary>
    private static bool LooksLikeJson(string text)
    {
        var span = text.AsSpan().TrimStart();
        if (span.StartsWith("//") || span.StartsWith("/*"))
        {
            return true;
        }

        return span.Length > 0 && span[0] == '{';
    }

    private static SpecResult Fail(string message, int? line = null) => new(null, [new SpecError(SpecPath.Root, message, line)]);
}
