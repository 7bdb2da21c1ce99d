using System.Globalization;
using System.Text;
using FlowMachine.Retention;
using FlowMachine.Scheduling;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>
/// The overview's storage card, for administrators: finished flows by state, the oldest finished flow, the
/// database's size, the retention policy and the last sweep of this server's sweeper with what it deleted.
/// </summary>
internal static class StorageCard
{
    public static async Task<string> RenderAsync(IFlowRetentionStore store, RetentionSweeper sweeper, IReadOnlyDictionary<FlowState, long> counts, CancellationToken cancellationToken)
    {
        var stats = await store.GetStorageStatsAsync(cancellationToken).ConfigureAwait(false);
        var policy = sweeper.Policy;
        var html = new StringBuilder("<section class=\"card\" aria-labelledby=\"storage-h\" data-testid=\"storage\"><h2 id=\"storage-h\">Storage</h2><table><tbody>");
        var finished = string.Join(", ", RetentionPolicy.States.Select(s => $"{counts.GetValueOrDefault(s)} {s.ToName()}"));
        html.Append($"<tr><th scope=\"row\">Finished flows</th><td data-testid=\"storage-finished\">{Html.E(finished)}</td></tr>");
        html.Append($"<tr><th scope=\"row\">Oldest finished flow</th><td data-testid=\"storage-oldest\">{(stats.OldestFinishedAt is null ? "none" : Html.Time(stats.OldestFinishedAt))}</td></tr>");
        html.Append($"<tr><th scope=\"row\">Database size</th><td data-testid=\"storage-size\">{Html.E(stats.DatabaseBytes is { } bytes ? Size(bytes) : "in memory")}</td></tr>");
        var kept = string.Join(", ", RetentionPolicy.States.Select(s => $"{s.ToName()} {Period(policy.For(s))}"))
            + (policy.Routines.Count > 0 ? $"; {policy.Routines.Count} routine{(policy.Routines.Count == 1 ? "" : "s")} with periods of their own" : "");
        html.Append($"<tr><th scope=\"row\">Kept</th><td data-testid=\"storage-policy\">{Html.E(policy.Enabled ? kept : "for good: the sweeper is off in this server")}</td></tr>");
        html.Append($"<tr><th scope=\"row\">Last sweep</th><td data-testid=\"storage-sweep\">{LastSweep(sweeper.LastSweep)}</td></tr>");
        html.Append("</tbody></table></section>");
        return html.ToString();
    }

    private static string LastSweep(RetentionSweep? sweep)
    {
        if (sweep is null)
        {
            return "<span class=\"muted\">none yet: the first runs a minute after the server starts</span>";
        }

        var parts = sweep.Deleted.Where(d => d.Value > 0).Select(d => $"{d.Value} {d.Key.ToName()}").ToList();
        var what = sweep.Total == 0 ? "deleted nothing" : $"deleted {sweep.Total} flow{(sweep.Total == 1 ? "" : "s")} ({string.Join(", ", parts)})";
        if (sweep.Children > 0)
        {
            what += $" and {sweep.Children} child flow{(sweep.Children == 1 ? "" : "s")}";
        }

        var error = sweep.Error is null ? "" : $" <span class=\"error-text\">stopped: {Html.E(sweep.Error)}</span>";
        return $"{Html.Time(sweep.At)}: {Html.E(what)} in {Html.E(Html.Duration(sweep.Elapsed))}{error}";
    }

    private static string Period(TimeSpan period) => period == RetentionPolicy.Forever ? "forever" : Durations.Format(period);

    private static string Size(long bytes) =>
        bytes < 1024 * 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB")
        : bytes < 1024L * 1024 * 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GB");
}
