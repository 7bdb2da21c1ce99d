using FlowMachine.Engine;
using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Diagnosis;

// Flows a worker holds, and due flows no worker has claimed.
public sealed partial class FlowDiagnoser
{
    private async Task<(string Kind, string Summary, DiagnosisFacts Facts)> LeasedAsync(FlowView view, string owner, DateTimeOffset now, CancellationToken ct)
    {
        var flow = view.Flow;
        var worker = (await WorkersAsync(ct).ConfigureAwait(false)).FirstOrDefault(w => w.Id == owner);
        bool? live = worker is null ? null : WorkerPools.Live([worker], now).Count == 1;
        var running = view.Steps.FirstOrDefault(s => s.State == StepState.Running);
        var facts = new DiagnosisFacts
        {
            StepKey = running?.Key,
            Worker = owner,
            WorkerLive = live,
            WorkerHeartbeatAt = worker?.HeartbeatAt,
            LeaseExpiresAt = flow.LeaseExpiresAt,
            Since = running?.StartedAt,
        };
        var what = running is null ? "holds the flow" : $"runs step {running.Key} (started {DiagnosisText.Time(running.StartedAt)})";
        var heartbeat = worker is null ? "it is not in the workers' registry" : $"its last heartbeat was {DiagnosisText.Age(now - worker.HeartbeatAt)} ago";
        if (flow.LeaseExpiresAt is { } expires && expires <= now)
        {
            return (DiagnosisKinds.LeaseExpired,
                $"Worker {owner} held the flow but its lease expired at {DiagnosisText.Time(expires)} ({heartbeat}): the next worker to claim the flow takes it over" +
                (running is null ? "." : $" and runs step {running.Key} again."),
                facts);
        }

        if (live == false)
        {
            return (DiagnosisKinds.WorkerSilent,
                $"Worker {owner} {what} but has been silent ({heartbeat}): another worker takes the flow over when the lease expires at {DiagnosisText.Time(flow.LeaseExpiresAt)}.",
                facts);
        }

        return (DiagnosisKinds.Running,
            $"Worker {owner} {what} and is {(live == true ? "live" : "not registered")} ({heartbeat}); its lease runs to {DiagnosisText.Time(flow.LeaseExpiresAt)}: the flow moves on when the step finishes.",
            facts);
    }

    private async Task<(string Kind, string Summary, DiagnosisFacts Facts)> DueAsync(FlowView view, DateTimeOffset due, DateTimeOffset now, CancellationToken ct)
    {
        var flow = view.Flow;
        var workers = await WorkersAsync(ct).ConfigureAwait(false);
        var live = WorkerPools.Live(workers, now);
        var needs = Needs(view, workers, live);
        var facts = new DiagnosisFacts
        {
            Since = due,
            WaitingSeconds = Math.Max(0, (now - due).TotalSeconds),
            Needs = needs,
            LiveWorkers = live.Count,
        };
        var since = $"Due since {DiagnosisText.Time(due)} ({DiagnosisText.Age(now - due)} ago)";
        var missing = needs.Where(n => n.LiveWorkers == 0).ToList();
        if (live.Count == 0 || missing.Count > 0)
        {
            var lacking = live.Count == 0
                ? "no live worker is registered"
                : "no live worker serves " + DiagnosisText.And([.. missing.Select(n => $"queue {n.Queue} with task type {n.TaskType}")]);
            var queues = missing.Count == 0 ? [QueueNames.Default] : missing.Select(n => n.Queue).Distinct(StringComparer.Ordinal).ToList();
            var commands = queues.Select(q => $"flowmachine worker --queue {DiagnosisText.Word(q)}").ToList();
            return (DiagnosisKinds.NoWorker, $"{since} but {lacking}: start one ({commands[0]}).", facts with { Commands = commands });
        }

        var wanted = needs.Count == 0 ? "any worker" : DiagnosisText.And([.. needs.Select(n => $"a worker of queue {n.Queue} with task type {n.TaskType}")]);
        return (DiagnosisKinds.Due,
            $"{since} and not claimed yet: it needs {wanted}, and {DiagnosisText.Count(live.Count, "live worker is", "live workers are")} registered, so one should claim it shortly.",
            facts);
    }

    /// <summary>The queue and task type of each step that may run next (the flow's route, if a worker left one).</summary>
    private static List<DiagnosisNeed> Needs(FlowView view, IReadOnlyList<WorkerRecord> workers, List<WorkerRecord> live)
    {
        var pairs = new List<(string? Queue, string Type)>();
        if (WorkerWait.Of(view.Flow.Route) is { } wait)
        {
            pairs.Add((wait.Queue, wait.TaskType));
        }
        else
        {
            var plan = FlowPlan.For(view.Flow.SpecJson);
            var states = view.Steps.ToDictionary(s => s.Key, s => s.State, StringComparer.Ordinal);
            foreach (var step in plan.Steps)
            {
                if (states.GetValueOrDefault(step.Key) == StepState.Pending
                    && step.Precursors.All(p => states.GetValueOrDefault(p) is StepState.Completed or StepState.Skipped))
                {
                    pairs.Add((step.Queue, step.TaskType));
                }
            }
        }

        return [.. pairs.Select(p =>
            {
                var queue = WorkerPools.QueueOf(p.Queue, p.Type, workers);
                return new DiagnosisNeed(queue, p.Type, WorkerPools.Serving(live, queue, p.Type));
            })
            .Distinct()];
    }
}
