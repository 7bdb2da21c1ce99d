using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Server.Dashboard;

/// <summary>Encoding and formatting for server-rendered pages; every value that reaches HTML goes through <c>E</c>.</summary>
internal static class Html
{
    // JSON shown as text: E() encodes it for HTML afterwards, so the JSON itself keeps ', <, + and & as written.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>HTML-encodes text for element content and quoted attributes.</summary>
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string E(object? value) => E(Convert.ToString(value, CultureInfo.InvariantCulture));

    /// <summary>A URL path segment.</summary>
    public static string U(string? text) => Uri.EscapeDataString(text ?? string.Empty);

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? $"<time datetime=\"{t.UtcDateTime:O}\">{t.UtcDateTime:yyyy-MM-dd HH:mm:ss}</time>" : "<span class=\"muted\">—</span>";

    public static string Duration(TimeSpan? span)
    {
        if (span is not { } s)
        {
            return "—";
        }

        return s.TotalMilliseconds < 1000 ? $"{s.TotalMilliseconds:0} ms"
            : s.TotalSeconds < 60 ? $"{s.TotalSeconds:0.0} s"
            : s.TotalMinutes < 60 ? $"{(int)s.TotalMinutes} min {s.Seconds} s"
            : $"{(int)s.TotalHours} h {s.Minutes} min";
    }

    /// <summary>Indented JSON as readable text, to pass through <c>E</c>.</summary>
    public static string Json(JsonNode? node) => node is null ? "null" : node.ToJsonString(Indented);

    /// <summary>One-line JSON as readable text, to pass through <c>E</c>.</summary>
    public static string CompactJson(JsonNode? node) => node?.ToJsonString(Compact) ?? string.Empty;

    /// <summary>A state badge; the state name doubles as a CSS hook.</summary>
    public static string Badge(string state) => $"<span class=\"badge state-{E(state.ToLowerInvariant())}\" data-state=\"{E(state)}\">{E(state)}</span>";
}
