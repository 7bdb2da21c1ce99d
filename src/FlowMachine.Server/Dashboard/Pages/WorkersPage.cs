using System.Globalization;
using System.Text;
using FlowMachine.Routing;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>The workers registered in the store, each queue's depth and oldest due flow, and what no live worker serves.</summary>
internal static class WorkersPage
{
    public static async Task<IResult> RenderAsync(HttpContext http, IFlowStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var now = time.GetUtcNow();
        var document = await WorkersDocument.ReadAsync(store, now, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder("<h1>Workers</h1><p class=\"lead\">The worker processes on this store, the queues they serve, and the flows waiting on each queue.</p>");
        foreach (var queue in document.UnservedQueues)
        {
            html.Append($"<section class=\"alert error\" data-testid=\"unserved-queue\"><strong>No live worker serves queue <span class=\"mono\">{Html.E(queue)}</span>.</strong> Its flows wait until one starts (<span class=\"mono\">flowmachine worker --queue {Html.E(queue)}</span>).</section>");
        }

        foreach (var type in document.UnservedTaskTypes)
        {
            html.Append($"<section class=\"alert error\" data-testid=\"unserved-type\"><strong>No live worker has task type <span class=\"mono\">{Html.E(type)}</span>.</strong> Flows wait for a worker that loads it.</section>");
        }

        html.Append("<h2>Queues</h2><table data-testid=\"queues\"><thead><tr><th scope=\"col\">Queue</th><th scope=\"col\">Due flows</th><th scope=\"col\">Oldest waits</th><th scope=\"col\">Live workers</th><th scope=\"col\">Note</th></tr></thead><tbody>");
        foreach (var q in document.Queues)
        {
            var note = q.Waiting
                ? q.LiveWorkers == 0 ? "waiting: no live worker serves it" : $"waiting: no live worker of it has {string.Join(", ", q.MissingTaskTypes)}"
                : string.Empty;
            var age = q.OldestAgeSeconds is { } seconds ? seconds.ToString("0", CultureInfo.InvariantCulture) + " s" : "-";
            html.Append($"<tr><td class=\"mono\">{Html.E(q.Name)}</td><td>{q.Depth}</td><td>{age}</td><td>{q.LiveWorkers}</td><td class=\"error-text\">{Html.E(note)}</td></tr>");
        }

        html.Append($"</tbody></table><p class=\"note\">{document.Unrouted} due flow(s) not routed to a queue yet: any worker takes them.</p>");
        html.Append("<h2>Workers</h2>");
        if (document.Workers.Count == 0)
        {
            html.Append("<p>No worker has registered. Start one with <span class=\"mono\">flowmachine worker</span>.</p>");
        }
        else
        {
            html.Append("<table data-testid=\"workers\"><thead><tr><th scope=\"col\">Worker</th><th scope=\"col\">Host</th><th scope=\"col\">Queues</th><th scope=\"col\">Task types</th><th scope=\"col\">Started</th><th scope=\"col\">Last heartbeat</th><th scope=\"col\">State</th></tr></thead><tbody>");
            foreach (var w in document.Workers)
            {
                html.Append($"<tr><td class=\"mono\">{Html.E(w.Id)}</td><td>{Html.E(w.Host)} (pid {w.ProcessId})</td><td class=\"mono\">{Html.E(string.Join(", ", w.Queues))}</td>");
                html.Append($"<td class=\"mono\">{Html.E(string.Join(", ", w.TaskTypes.Keys))}</td><td>{Html.Time(w.StartedAt)}</td><td>{Html.Time(w.HeartbeatAt)}</td><td>{(w.Live ? "live" : "silent")}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return Layout.Page(request, "Workers", "workers", html.ToString());
    }
}
