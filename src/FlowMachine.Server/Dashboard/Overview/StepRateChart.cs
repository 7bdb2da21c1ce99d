using System.Globalization;
using System.Text;

namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>A small bar chart of steps per minute, one bar per minute, drawn as SVG.</summary>
internal static class StepRateChart
{
    private const int Width = 600;
    private const int Height = 120;
    private const int Bottom = 18;

    public static string Render(int[] perMinute)
    {
        var max = Math.Max(1, perMinute.Max());
        var total = perMinute.Sum();
        var barWidth = (double)Width / perMinute.Length;
        var plot = Height - Bottom;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart" role="img" aria-label="Steps per minute over the last hour: {total} in all, at most {perMinute.Max()} in a minute" viewBox="0 0 {Width} {Height}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<line class="chart-axis" x1="0" y1="{plot}" x2="{Width}" y2="{plot}"/>""");
        for (var i = 0; i < perMinute.Length; i++)
        {
            var h = perMinute[i] == 0 ? 0 : Math.Max(2, plot * perMinute[i] / (double)max);
            var ago = perMinute.Length - 1 - i;
            svg.Append(CultureInfo.InvariantCulture, $"""<rect class="chart-bar" x="{(i * barWidth) + 1:0.##}" y="{plot - h:0.##}" width="{barWidth - 2:0.##}" height="{h:0.##}"><title>{perMinute[i]} steps, {ago} min ago</title></rect>""");
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<text class="chart-label" x="0" y="{Height - 4}">60 min ago</text><text class="chart-label" x="{Width}" y="{Height - 4}" text-anchor="end">now</text><text class="chart-label" x="{Width / 2}" y="{Height - 4}" text-anchor="middle">peak {perMinute.Max()}/min</text>""");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
