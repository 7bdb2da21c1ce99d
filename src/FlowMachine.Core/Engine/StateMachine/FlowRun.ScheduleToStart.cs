using FlowMachine.Scheduling;

namespace FlowMachine.Engine;

// schedule_to_start: a ready step that is not started in time fails for good.
internal sealed partial class FlowRun
{
    /// <summary>The error of a step that was not started within its <c>schedule_to_start</c>.</summary>
    private static string NotStartedError(string stepKey, TimeSpan limit) =>
        $"step '{stepKey}' was not started within {Durations.Format(limit)} (schedule_to_start)";

    /// <summary>The step's <c>schedule_to_start</c>: its own, else the flow's <c>cfg.schedule_to_start</c>; null: none.</summary>
    private TimeSpan? ScheduleToStartOf(int index) =>
        (Plan.Steps[index].ScheduleToStartSeconds ?? Plan.Spec.Cfg.ScheduleToStartSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>
    /// When the ready step <paramref name="index"/> must be started by, or null. It is ready since the latest of the
    /// flow's creation, its precursors' ends, its own last end (a failed attempt, a hand-back) and the end of a retry's
    /// backoff (or the moment an operator or a recovery made it ready). Waits for a slot or a token do not move it: a
    /// step held back by a limit is still not started.
    /// </summary>
    private DateTimeOffset? StartDeadline(int index)
    {
        if (ScheduleToStartOf(index) is not { } limit)
        {
            return null;
        }

        var since = Flow.CreatedAt;
        foreach (var p in Plan.Precursors[index])
        {
            since = Later(since, Steps[p].FinishedAt);
        }

        var step = Steps[index];
        since = Later(since, step.FinishedAt);
        if (step.WaitReason is null)
        {
            since = Later(since, step.NotBefore);
        }

        return since + limit;

        static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } t && t > a ? t : a;
    }

    /// <summary>The earliest start deadline of the ready steps, or null.</summary>
    private DateTimeOffset? FirstStartDeadline()
    {
        DateTimeOffset? first = null;
        if (Plan.HasScheduleToStart)
        {
            foreach (var i in ready)
            {
                first = Min(first, StartDeadline(i));
            }
        }

        return first;
    }

    /// <summary>
    /// Fails the ready steps whose <c>schedule_to_start</c> has passed at <paramref name="now"/>, for good (no retry: a
    /// step that could not be started in time usually lacks capacity, and another wait would not help). Also the
    /// steps this process could not run itself (another pool's).
    /// </summary>
    private void FailUnstarted(DateTimeOffset now)
    {
        if (!Plan.HasScheduleToStart)
        {
            return;
        }

        List<int>? late = null;
        foreach (var i in ready)
        {
            if (StartDeadline(i) is { } deadline && deadline <= now)
            {
                (late ??= []).Add(i);
            }
        }

        foreach (var i in late ?? [])
        {
            // A failure may end the flow (fail_fast) or skip the others meanwhile.
            if (IsActive && ready.Contains(i))
            {
                ApplyFailure(i, NotStartedError(Steps[i].Key, ScheduleToStartOf(i)!.Value), null, permanent: true, now);
            }
        }
    }

    /// <summary>A step made ready by an operator (retry, reset, moved position, resume) or a recovery counts as ready from <paramref name="now"/>.</summary>
    private void ReadyFrom(int index, DateTimeOffset now)
    {
        if (Plan.HasScheduleToStart && ScheduleToStartOf(index) is not null)
        {
            Edit(index).NotBefore = now;
            dirty.Add(index);
        }
    }
}
