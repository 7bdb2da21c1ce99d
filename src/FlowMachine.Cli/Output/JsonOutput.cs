using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Cli.Output;

/// <summary>Writes JSON documents for <c>--json</c>: indented, nothing else on the line.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable text; the output is not embedded in HTML
    };

    public static Task WriteAsync(TextWriter writer, JsonNode? document) =>
        writer.WriteLineAsync(document?.ToJsonString(Indented) ?? "null");

    /// <summary>Writes a typed document (a flow, a page, history, task types) the same way.</summary>
    public static Task WriteDocumentAsync<T>(TextWriter writer, T document) =>
        writer.WriteLineAsync(JsonSerializer.Serialize(document, Indented));

    /// <summary>Compact JSON for a table cell.</summary>
    public static string Compact(JsonNode? node) => node?.ToJsonString(CompactOptions) ?? "null";

    private static readonly JsonSerializerOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
