using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

/// <summary>A step's progress for people: <c>done</c> of <c>total</c> when the task reported both as numbers, else its JSON.</summary>
public static class ProgressText
{
    // For people, not for a page or a script: characters such as < stay as they are (the caller encodes for HTML).
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The <c>done</c> and <c>total</c> numbers of <paramref name="progress"/>, when it is an object with both and <c>total</c> is above 0.</summary>
    public static bool TryGetFraction(JsonNode? progress, out double done, out double total)
    {
        done = total = 0;
        return progress is JsonObject o && Number(o["done"], out done) && Number(o["total"], out total) && total > 0;
    }

    /// <summary>The share done, from 0 to 100, of a progress with a fraction (<see cref="TryGetFraction"/>).</summary>
    public static int Percent(double done, double total) => (int)Math.Clamp(Math.Floor(done / total * 100), 0, 100);

    /// <summary><c>40/100 (40 %)</c> for a progress with a fraction, else the progress as compact JSON; null without progress.</summary>
    public static string? Describe(JsonNode? progress)
    {
        if (progress is null)
        {
            return null;
        }

        return TryGetFraction(progress, out var done, out var total)
            ? string.Create(CultureInfo.InvariantCulture, $"{done:0.##}/{total:0.##} ({Percent(done, total)} %)")
            : progress.ToJsonString(Readable);
    }

    private static bool Number(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value) && double.IsFinite(value);
    }
}
