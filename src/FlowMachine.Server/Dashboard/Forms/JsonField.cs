using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>A JSON value typed into a form: the page script checks it before sending, and the server checks it again.</summary>
internal static class JsonField
{
    /// <summary>Parses <paramref name="text"/>; empty text is null. False with a message when it is not JSON.</summary>
    public static bool TryParse(string? text, string label, out JsonNode? value, out string? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        try
        {
            value = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException ex)
        {
            error = $"{label} is not valid JSON: {ex.Message.Split(" Path:", 2)[0]}";
            return false;
        }
    }
}
