using System.Globalization;
using System.Text;

namespace FlowMachine.Server.Dashboard.Dag;

/// <summary>
/// Draws a layered DAG as SVG. Each node is a <c>g.dag-node</c> with <c>data-key</c> and <c>data-state</c>,
/// so the page script can recolour it from the live stream without redrawing.
/// </summary>
internal static class DagSvg
{
    private const int NodeWidth = 176;
    private const int NodeHeight = 48;
    private const int ColumnGap = 64;
    private const int RowGap = 22;
    private const int Margin = 16;

    /// <param name="nodes">The arranged steps.</param>
    /// <param name="stateOf">A step's state name (PENDING, WAITING, ...); null draws the spec without states.</param>
    /// <param name="label">The picture's accessible name.</param>
    public static string Render(IReadOnlyList<DagNode> nodes, Func<string, string?> stateOf, string label)
    {
        if (nodes.Count == 0)
        {
            return "<p class=\"muted\">This spec has no steps.</p>";
        }

        var layers = nodes.Max(n => n.Layer) + 1;
        var rows = nodes.Max(n => n.Row) + 1;
        var width = (2 * Margin) + (layers * NodeWidth) + ((layers - 1) * ColumnGap);
        var height = (2 * Margin) + (rows * NodeHeight) + ((rows - 1) * RowGap);
        var byKey = nodes.ToDictionary(n => n.Key, StringComparer.Ordinal);
        var svg = new StringBuilder(2048);
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="dag" role="img" aria-label="{Html.E(label)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">""");
        svg.Append("""<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="dag-arrow"/></marker></defs>""");
        foreach (var node in nodes)
        {
            foreach (var precursor in node.Precursors)
            {
                if (!byKey.TryGetValue(precursor, out var from))
                {
                    continue;
                }

                var (x1, y1) = (X(from) + NodeWidth, Y(from) + (NodeHeight / 2));
                var (x2, y2) = (X(node), Y(node) + (NodeHeight / 2));
                var bend = (x2 - x1) / 2;
                svg.Append(CultureInfo.InvariantCulture, $"""<path class="dag-edge" data-from="{Html.E(from.Key)}" data-to="{Html.E(node.Key)}" d="M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2 - 2},{y2}" marker-end="url(#arrow)"/>""");
            }
        }

        foreach (var node in nodes)
        {
            var state = stateOf(node.Key);
            var stateClass = state is null ? "state-none" : "state-" + state.ToLowerInvariant();
            var title = state is null ? $"{node.Key} ({node.TaskType})" : $"{node.Key} ({node.TaskType}): {state}";
            svg.Append(CultureInfo.InvariantCulture, $"""<g class="dag-node {stateClass}" data-key="{Html.E(node.Key)}" data-state="{Html.E(state ?? string.Empty)}" transform="translate({X(node)},{Y(node)})">""");
            svg.Append(CultureInfo.InvariantCulture, $"""<title>{Html.E(title)}</title><rect width="{NodeWidth}" height="{NodeHeight}" rx="8"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="dag-key" x="12" y="20">{Html.E(Trim(node.Key, 22))}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="dag-type" x="12" y="37">{Html.E(Trim(node.TaskType, 18))}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="dag-state" x="{NodeWidth - 10}" y="37" text-anchor="end">{Html.E(state ?? string.Empty)}</text></g>""");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static int X(DagNode node) => Margin + (node.Layer * (NodeWidth + ColumnGap));

    private static int Y(DagNode node) => Margin + (node.Row * (NodeHeight + RowGap));

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
