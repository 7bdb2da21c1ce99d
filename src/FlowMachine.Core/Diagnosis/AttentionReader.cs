using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Diagnosis;

/// <summary>
/// Reads the "needs attention" list: flows due but unclaimed for longer than a threshold, flows no live worker can run,
/// flows under an expired lease, and unfinished steps whose worker was lost.
/// </summary>
/// <param name="store">The store to read.</param>
/// <param name="time">The clock.</param>
public sealed class AttentionReader(IFlowStore store, TimeProvider time)
{
    /// <summary>How long a due flow may wait for a worker before it is listed, unless told otherwise: 5 minutes.</summary>
    public static readonly TimeSpan DefaultThreshold = TimeSpan.FromMinutes(5);

    /// <summary>The most flows listed for each kind of trouble, unless told otherwise.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The list now; only <paramref name="owner"/>'s flows when given.</summary>
    public async Task<AttentionList> ReadAsync(TimeSpan threshold, string? owner, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var flows = await store.ListOverdueFlowsAsync(new OverdueQuery { Now = now, DueBefore = now - threshold, Owner = owner, Limit = limit }, cancellationToken).ConfigureAwait(false);
        var workers = await store.ListWorkersAsync(cancellationToken).ConfigureAwait(false);
        var live = WorkerPools.Live(workers, now);
        var items = new List<AttentionItem>();
        foreach (var flow in flows)
        {
            if (Judge(flow, workers, live, now, now - threshold) is { } item)
            {
                items.Add(item);
            }
        }

        var lost = await store.ListRecoveredStepsAsync(owner, limit, cancellationToken).ConfigureAwait(false);
        foreach (var step in lost)
        {
            var flow = await store.GetFlowAsync(step.FlowId, cancellationToken).ConfigureAwait(false);
            if (flow is null)
            {
                continue;
            }

            items.Add(Item(flow, AttentionReasons.WorkerLost, step.StartedAt,
                $"Step {step.Key} ({step.TaskType}) lost its worker {DiagnosisText.Count(step.Recoveries, "time", "times")}; it is {step.State.ToName()} now (see the worker's logs for why it died).") with { StepKey = step.Key });
        }

        var order = new[] { AttentionReasons.NoWorker, AttentionReasons.LeaseExpired, AttentionReasons.Unclaimed, AttentionReasons.WorkerLost };
        return new AttentionList
        {
            ThresholdSeconds = threshold.TotalSeconds,
            At = now,
            Items = [.. items.OrderBy(i => Array.IndexOf(order, i.Reason)).ThenBy(i => i.Since).ThenBy(i => i.FlowId, StringComparer.Ordinal)],
        };
    }

    private static AttentionItem? Judge(FlowRecord flow, IReadOnlyList<WorkerRecord> workers, List<WorkerRecord> live, DateTimeOffset now, DateTimeOffset dueBefore)
    {
        if (flow.LeaseOwner is { } owner)
        {
            return Item(flow, AttentionReasons.LeaseExpired, flow.LeaseExpiresAt,
                $"The lease of worker {owner} expired {DiagnosisText.Age(now - (flow.LeaseExpiresAt ?? now))} ago and no worker has taken the flow over{(live.Count == 0 ? " (no live worker is registered)" : "")}.");
        }

        var due = flow.NextRunAt ?? now;
        var age = DiagnosisText.Age(now - due);
        if (WorkerWait.Of(flow.Route) is { } wait)
        {
            var queue = WorkerPools.QueueOf(wait.Queue, wait.TaskType, workers);
            if (WorkerPools.Serving(live, queue, wait.TaskType) == 0)
            {
                return Item(flow, AttentionReasons.NoWorker, due,
                    $"Due for {age} but no live worker serves queue {queue} with task type {wait.TaskType} (start one: flowmachine worker --queue {DiagnosisText.Word(queue)}).");
            }
        }

        if (live.Count == 0)
        {
            return Item(flow, AttentionReasons.NoWorker, due, $"Due for {age} but no live worker is registered.");
        }

        // A routed flow that a live worker serves is listed only once it is past the threshold, as any other.
        return flow.NextRunAt is not { } at || at > dueBefore ? null : Item(flow, AttentionReasons.Unclaimed, due,
            $"Due for {age} and not claimed, though {DiagnosisText.Count(live.Count, "live worker is", "live workers are")} registered (are they all busy?).");
    }

    private static AttentionItem Item(FlowRecord flow, string reason, DateTimeOffset? since, string summary) => new()
    {
        FlowId = flow.Id,
        Routine = flow.Routine,
        Label = flow.Label,
        State = flow.State.ToName(),
        Reason = reason,
        Summary = summary,
        Since = since,
    };
}
