using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

// Readiness: which steps may start, the gates of joins and switches, step states and the position.
internal sealed partial class FlowRun
{
    /// <summary>Moves the steps that may start now to RUNNING and returns them with their attempt.</summary>
    public List<(int Index, int Attempt)> TakeReady(DateTimeOffset now)
    {
        // One buffer per run: the caller is done with the previous list before it asks again.
        var started = startBuffer;
        started.Clear();
        if (!IsActive || ready.Count == 0 || Suspending)
        {
            return started;
        }

        FailUnstarted(now);
        if (!IsActive)
        {
            return started;
        }

        due.Clear();
        foreach (var i in ready)
        {
            if ((Steps[i].NotBefore is not { } notBefore || notBefore <= now) && (router is null || router.CanRun(Plan.Steps[i])))
            {
                due.Add(i);
            }
        }

        foreach (var i in due)
        {
            var step = Edit(i);
            ready.Remove(i);
            forced.Remove(i);
            SetState(i, StepState.Running);
            step.Attempts++;
            step.StartedAt = now;
            step.FinishedAt = null;
            step.NotBefore = null;
            step.WaitReason = null; // a step that waited for a slot or a token
            step.Error = null;
            step.ErrorDetail = null;
            // The first attempt is the common case; only retries and re-runs say which attempt they are.
            Record(now, HistoryKinds.StepStarted, step.Key, step.Attempts == 1 ? null : new JsonObject { ["attempt"] = step.Attempts });
            started.Add((i, step.Attempts));
        }

        return started;
    }

    /// <summary>True when a ready step may start now.</summary>
    public bool HasReadyNow(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return false;
        }

        foreach (var i in ready)
        {
            if (Steps[i].NotBefore is not { } t || t <= now)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// When the steps ready now all belong to another pool (a queue this process does not serve, a task type it
    /// lacks): the route of the first of them, for the flow's row as it is let go; otherwise null.
    /// </summary>
    public string? ForeignRoute(DateTimeOffset now)
    {
        if (router is null || !IsActive)
        {
            return null;
        }

        string? route = null;
        foreach (var i in ready)
        {
            if (Steps[i].NotBefore is { } t && t > now)
            {
                continue;
            }

            if (router.CanRun(Plan.Steps[i]))
            {
                return null;
            }

            route ??= router.RouteOf(Plan.Steps[i]);
        }

        return route;
    }

    private enum Gate
    {
        Blocked,
        Open,
        Skip,
    }

    private Gate GateOf(int index)
    {
        if (forced.Contains(index))
        {
            return Gate.Open;
        }

        var precursors = Plan.Precursors[index];
        if (precursors.Length == 0)
        {
            return Gate.Open;
        }

        var anyCompleted = false;
        foreach (var p in precursors)
        {
            switch (Steps[p].State)
            {
                case StepState.Completed:
                    anyCompleted = true;
                    break;
                case StepState.Skipped:
                    break;
                case StepState.Failed:
                    return Gate.Skip;
                default:
                    return Gate.Blocked;
            }
        }

        // A join after a switch runs when its chosen branch completed; it is skipped only when every way in was skipped.
        return anyCompleted ? Gate.Open : Gate.Skip;
    }

    /// <summary>After step <paramref name="index"/> finished: its successors become ready or are skipped.</summary>
    private void Settle(int index, DateTimeOffset now)
    {
        foreach (var next in Plan.Successors[index])
        {
            if (Steps[next].State != StepState.Pending || ready.Contains(next))
            {
                continue;
            }

            switch (GateOf(next))
            {
                case Gate.Open:
                    ready.Add(next);
                    break;
                case Gate.Skip:
                    Skip(next, now, $"skipped: no way in ({Describe(Plan.Precursors[next])})");
                    Settle(next, now);
                    break;
            }
        }
    }

    private string Describe(int[] precursors) =>
        string.Join(", ", precursors.Select(p => $"{Steps[p].Key} {Steps[p].State.ToName()}"));

    private void Recount()
    {
        ready.Clear();
        waiting.Clear();
        runningCount = 0;
        finishedCount = 0;
        for (var i = 0; i < Steps.Length; i++)
        {
            var step = Edit(i);
            switch (step.State)
            {
                case StepState.Running:
                    // A step left RUNNING by a worker that lost its lease: it runs again with the next attempt.
                    // One a stopping worker handed back (finished at the hand-back) was not lost.
                    if (step.FinishedAt is null)
                    {
                        lost.Add(i);
                    }

                    step.State = StepState.Pending;
                    ready.Add(i);
                    break;
                case StepState.Waiting:
                    waiting.Add(i);
                    break;
                case StepState.Pending:
                    if (GateOf(i) == Gate.Open)
                    {
                        ready.Add(i);
                    }

                    break;
                default:
                    finishedCount++;
                    break;
            }
        }

        AdvancePosition();
    }

    private void SetState(int index, StepState state)
    {
        var step = Edit(index);
        var old = step.State;
        if (old == state)
        {
            return;
        }

        if (old == StepState.Running)
        {
            runningCount--;
        }
        else if (old == StepState.Waiting)
        {
            waiting.Remove(index);
            EndNamedWait(index, step);
        }
        else if (old.IsFinished())
        {
            finishedCount--;
        }

        if (state == StepState.Running)
        {
            runningCount++;
        }
        else if (state == StepState.Waiting)
        {
            waiting.Add(index);
        }
        else if (state.IsFinished())
        {
            finishedCount++;
            ready.Remove(index);
        }

        step.State = state;
        dirty.Add(index);
    }

    private void AdvancePosition()
    {
        var position = Math.Min(Flow.Position, Steps.Length);
        while (position > 0 && !IsPast(position - 1))
        {
            position--;
        }

        while (position < Steps.Length && IsPast(position))
        {
            position++;
        }

        Flow.Position = position;

        bool IsPast(int i) => Steps[i].State is StepState.Completed or StepState.Skipped;
    }
}
