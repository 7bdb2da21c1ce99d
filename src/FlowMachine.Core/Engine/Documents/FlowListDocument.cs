using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>A page of flows, newest first, and the cursor of the next page (null on the last).</summary>
/// <param name="Items">The flows.</param>
/// <param name="Next">Where the next page starts, or null.</param>
public sealed record FlowListDocument(
    [property: JsonPropertyName("items")] IReadOnlyList<FlowSummaryDocument> Items,
    [property: JsonPropertyName("next")] string? Next)
{
    /// <summary>The document of <paramref name="page"/>.</summary>
    public static FlowListDocument Of(FlowPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new([.. page.Items.Select(FlowSummaryDocument.Of)], page.Next);
    }
}
