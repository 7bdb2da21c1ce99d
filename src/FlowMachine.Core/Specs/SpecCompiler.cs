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
    public static SpecResult Compile(string text, ITaskCatalog catalog) => Compile(text, catalog, SpecLimits.Default);

    /// <summary>Compiles spec text within <paramref name="limits"/> (size in bytes, number of steps).</summary>
    /// <param name="text">The spec text.</param>
    /// <param name="catalog">The task types the spec may use.</param>
    /// <param name="limits">How large the spec may be.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="limits"/> is null.</exception>
    public static SpecResult Compile(string text, ITaskCatalog catalog, SpecLimits limits)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(limits);
        text = (text ?? "").TrimStart('\uFEFF'); // null reads as empty; a byte-order mark left by an editor is not content
        if (string.IsNullOrWhiteSpace(text))
        {
            return Fail("The spec is empty: expected an object with 'tasks' or a list of task names.");
        }

        // Before parsing: a huge text must cost no more than counting its bytes.
        if (System.Text.Encoding.UTF8.GetByteCount(text) is var bytes && bytes > limits.MaxBytes)
        {
            return TooLarge(bytes, limits);
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

        return TooManySteps(node, limits) ?? Read(node, catalog, lines);
    }

    /// <summary>Compiles an already-parsed spec document. The document is not modified or kept.</summary>
    /// <param name="node">The spec: an object in the spec format, or a list of task names.</param>
    /// <param name="catalog">The task types the spec may use.</param>
    public static SpecResult Compile(JsonNode? node, ITaskCatalog catalog) => Compile(node, catalog, SpecLimits.Default);

    /// <summary>Compiles an already-parsed spec document within <paramref name="limits"/>; its size is that of its compact JSON.</summary>
    /// <param name="node">The spec: an object in the spec format, or a list of task names.</param>
    /// <param name="catalog">The task types the spec may use.</param>
    /// <param name="limits">How large the spec may be.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="limits"/> is null.</exception>
    public static SpecResult Compile(JsonNode? node, ITaskCatalog catalog, SpecLimits limits)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(limits);
        if (TooManySteps(node, limits) is { } tooMany)
        {
            return tooMany;
        }

        if (JsonSize.Of(node) is var bytes && bytes > limits.MaxBytes)
        {
            return TooLarge(bytes, limits);
        }

        return Read(node, catalog, null);
    }

    /// <summary>Refuses a spec with more steps than allowed before any step is read.</summary>
    private static SpecResult? TooManySteps(JsonNode? node, SpecLimits limits)
    {
        var tasks = node switch
        {
            JsonArray list => list,
            JsonObject spec when spec.TryGetPropertyValue("tasks", out var t) && t is JsonArray list => list,
            _ => null,
        };
        return tasks is not null && tasks.Count > limits.MaxSteps
            ? Fail(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The spec has {tasks.Count:N0} steps, more than the limit of {limits.MaxSteps:N0} (SpecLimits.MaxSteps); split it into routines that spawn each other."))
            : null;
    }

    private static SpecResult TooLarge(long bytes, SpecLimits limits) =>
        Fail(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The spec is {bytes:N0} bytes, more than the limit of {limits.MaxBytes:N0} bytes (SpecLimits.MaxBytes)."));

    /// <summary>Compiles without a catalog (task types are trusted): for reloading stored specs.</summary>
    internal static SpecResult CompileTrusted(JsonNode? node) => Read(node, null, null);

    private static SpecResult Read(JsonNode? node, ITaskCatalog? catalog, IReadOnlyDictionary<JsonNode, int>? lines)
    {
        try
        {
            var result = SpecReader.Read(node, catalog, lines);
            return catalog is not null && result.IsValid && RequiredParams.Check(result.Spec!, node, catalog, lines) is { Count: > 0 } missing
                ? new SpecResult(null, missing)
                : result;
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
