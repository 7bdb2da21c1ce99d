using System.Text;
using FlowMachine.Diagnosis;

namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>The overview's "Needs attention" card: flows due but unclaimed too long, that no live worker can run, under an expired lease, or whose step lost its worker.</summary>
internal static class AttentionCard
{
    private const int Shown = 10;

    public static async Task<string> RenderAsync(AttentionReader reader, string? owner, CancellationToken cancellationToken)
    {
        var list = await reader.ReadAsync(AttentionReader.DefaultThreshold, owner, Shown, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder("<section class=\"card\" aria-labelledby=\"attention-h\" data-testid=\"needs-attention\"><h2 id=\"attention-h\">Needs attention</h2>");
        if (list.Items.Count == 0)
        {
            html.Append("<p class=\"muted\">No flow is stuck: none has waited over 5 minutes for a worker, none waits for a worker that is not there, no lease has run out and no step lost its worker.</p>");
            return html.Append("</section>").ToString();
        }

        html.Append("<table><thead><tr><th scope=\"col\">Flow</th><th scope=\"col\">Why</th><th scope=\"col\">Since</th></tr></thead><tbody>");
        foreach (var item in list.Items.Take(Shown))
        {
            html.Append($"<tr data-reason=\"{Html.E(item.Reason)}\"><td><a class=\"mono\" href=\"/flows/{Html.U(item.FlowId)}\">{Html.E(item.Label ?? item.FlowId)}</a></td>");
            html.Append($"<td><span class=\"tag\">{Html.E(item.Reason)}</span> {Html.E(item.Summary)}</td><td>{Html.Time(item.Since)}</td></tr>");
        }

        html.Append("</tbody></table><p class=\"note\">The whole list: <span class=\"mono\">flowmachine flows stuck</span> or <span class=\"mono\">GET /api/v1/flows/stuck</span>.</p>");
        return html.Append("</section>").ToString();
    }
}
