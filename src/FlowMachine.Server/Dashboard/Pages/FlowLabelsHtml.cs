using System.Text;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// A flow's tags (in the page head: fixed at the start) and attributes (in the live details: its tasks set them
/// as they run), each linked to the flows page searching for it.
/// </summary>
internal static class FlowLabelsHtml
{
    /// <summary>The head's Tags entry, or nothing for a flow without tags.</summary>
    public static string Tags(FlowRecord flow) => flow.Tags.Count == 0
        ? string.Empty
        : $"<div><dt>Tags</dt><dd data-testid=\"flow-tags\">{string.Join(" ", flow.Tags.Select(t => $"<a class=\"tag\" data-tag=\"{Html.E(t)}\" href=\"/flows?q={Html.U("tag:" + t)}\">{Html.E(t)}</a>"))}</dd></div>";

    /// <summary>The Attributes card, by name, or nothing for a flow whose tasks set none.</summary>
    public static string Attributes(FlowRecord flow)
    {
        if (flow.Attributes.Count == 0)
        {
            return string.Empty;
        }

        var html = new StringBuilder("<section class=\"card\" aria-labelledby=\"attrs-h\"><h2 id=\"attrs-h\">Attributes</h2><dl class=\"meta\" data-testid=\"flow-attributes\">");
        foreach (var (name, value) in flow.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            // The search box splits on spaces: only a value without one can be searched for by a link.
            var shown = value.Contains(' ', StringComparison.Ordinal)
                ? Html.E(value)
                : $"<a href=\"/flows?q={Html.U(name + "=" + value)}\">{Html.E(value)}</a>";
            html.Append($"<div data-attribute=\"{Html.E(name)}\"><dt class=\"mono\">{Html.E(name)}</dt><dd class=\"mono\">{shown}</dd></div>");
        }

        return html.Append("</dl></section>").ToString();
    }
}
