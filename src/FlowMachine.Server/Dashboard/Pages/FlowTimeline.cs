using System.Globalization;
using System.Text;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>A Gantt-style timeline of a flow's steps: one bar per step from its start to its end (or now).</summary>
internal static class FlowTimeline
{
    private const int LabelWidth = 170;
    private const int BarArea = 520;
    private const int RowHeight = 24;

    public static string Render(FlowView view, DateTimeOffset now)
    {
        var started = view.Steps.Where(s => s.StartedAt is not null).ToList();
        if (started.Count == 0)
        {
            return "<p class=\"muted\">No step has started yet.</p>";
        }

        var origin = started.Min(s => s.StartedAt!.Value);
        var end = started.Max(s => End(s, view.Flow, now));
        var span = Math.Max(1, (end - origin).TotalMilliseconds);
        var height = (view.Steps.Count * RowHeight) + 8;
        var width = LabelWidth + BarArea + 90;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="timeline" role="img" aria-label="Timeline of steps, {Html.E(Html.Duration(end - origin))} in all" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">""");
        for (var i = 0; i < view.Steps.Count; i++)
        {
            var step = view.Steps[i];
            var y = 4 + (i * RowHeight);
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="tl-label" x="0" y="{y + 15}">{Html.E(step.Key)}</text>""");
            if (step.StartedAt is not { } from)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<text class="tl-duration muted" x="{LabelWidth}" y="{y + 15}">not started</text>""");
                continue;
            }

            var to = End(step, view.Flow, now);
            var x = LabelWidth + (BarArea * (from - origin).TotalMilliseconds / span);
            var w = Math.Max(3, BarArea * (to - from).TotalMilliseconds / span);
            var state = StepStateName.Of(step);
            svg.Append(CultureInfo.InvariantCulture, $"""<rect class="tl-bar state-{state.ToLowerInvariant()}" x="{x:0.#}" y="{y + 3}" width="{w:0.#}" height="{RowHeight - 8}" rx="3"><title>{Html.E(step.Key)}: {state}, {Html.E(Html.Duration(to - from))}</title></rect>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="tl-duration" x="{x + w + 6:0.#}" y="{y + 15}">{Html.E(Html.Duration(to - from))}</text>""");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static DateTimeOffset End(StepRecord step, FlowRecord flow, DateTimeOffset now) =>
        step.FinishedAt ?? (flow.State.IsTerminal() ? flow.UpdatedAt : now);
}
