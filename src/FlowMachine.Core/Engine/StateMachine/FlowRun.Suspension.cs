using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

// Suspension while a worker holds the flow: steps in flight finish and commit, no further step starts.
internal sealed partial class FlowRun
{
    /// <summary>True after a suspend command (until a resume command): <see cref="TakeReady"/> starts nothing.</summary>
    public bool Suspending { get; private set; }

    /// <summary>An operator suspended the flow: the store holds it back; here, start no further step.</summary>
    public void Suspend(string? actor, DateTimeOffset now)
    {
        Suspending = true;
        Record(now, HistoryKinds.FlowSuspended, null, new JsonObject { ["actor"] = actor });
    }

    /// <summary>An operator resumed the flow: steps start again (their <c>schedule_to_start</c> counts from now).</summary>
    public void Resume(string? actor, DateTimeOffset now)
    {
        Suspending = false;
        foreach (var i in ready)
        {
            ReadyFrom(i, now);
        }

        Record(now, HistoryKinds.FlowResumed, null, new JsonObject { ["actor"] = actor });
    }

    /// <summary>
    /// Puts steps that were started (and committed RUNNING) but never launched back to ready, their attempt
    /// not counted: a suspension came in with the commit that started them.
    /// </summary>
    public void Unstart(List<(int Index, int Attempt)> starts)
    {
        foreach (var (index, _) in starts)
        {
            var step = Edit(index);
            SetState(index, StepState.Pending);
            step.Attempts--;
            step.StartedAt = null;
            ready.Add(index);
        }
    }
}
