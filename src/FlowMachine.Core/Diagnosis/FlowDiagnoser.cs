using FlowMachine.Storage;

namespace FlowMachine.Diagnosis;

/// <summary>
/// Says why a flow is not moving and what would move it (<see cref="FlowDiagnosis"/>), from what the store holds: the
/// flow and its steps, the workers' registry, untaken events, slot holders and child flows. Reads only.
/// </summary>
/// <param name="store">The store to read.</param>
/// <param name="time">The clock (the store's, where workers judge time by it).</param>
public sealed partial class FlowDiagnoser(IFlowStore store, TimeProvider time)
{
    /// <summary>The diagnosis of the flow with <paramref name="flowId"/>, or null when there is no such flow.</summary>
    public async Task<FlowDiagnosis?> DiagnoseAsync(string flowId, CancellationToken cancellationToken)
    {
        var flow = await store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return null;
        }

        var steps = await store.GetStepsAsync(flowId, cancellationToken).ConfigureAwait(false);
        return await DiagnoseAsync(new FlowView(flow, steps), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The diagnosis of <paramref name="view"/> now.</summary>
    public async Task<FlowDiagnosis> DiagnoseAsync(FlowView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var now = time.GetUtcNow();
        var (kind, summary, facts) = await JudgeAsync(view, now, cancellationToken).ConfigureAwait(false);
        if (view.Flow.Deadline is { } deadline && kind != DiagnosisKinds.Finished)
        {
            facts = facts with { Deadline = deadline };
        }

        return new FlowDiagnosis { FlowId = view.Flow.Id, State = view.Flow.State.ToName(), Kind = kind, Summary = summary, Facts = facts, At = now };
    }

    private async Task<(string Kind, string Summary, DiagnosisFacts Facts)> JudgeAsync(FlowView view, DateTimeOffset now, CancellationToken ct)
    {
        var flow = view.Flow;
        if (FailedByDeadline(flow))
        {
            var word = DiagnosisText.Word(flow.Id);
            return (DiagnosisKinds.Deadline,
                $"The flow failed by its deadline ({DiagnosisText.Time(flow.Deadline)}): it did not finish within its cfg.deadline. Retry it (flowmachine flows retry {word}) to run it again with a new deadline.",
                new DiagnosisFacts { Commands = [$"flowmachine flows retry {word}"] });
        }

        if (flow.State.IsTerminal())
        {
            return (DiagnosisKinds.Finished, $"The flow has finished ({flow.State.ToName()}): nothing holds it.", new DiagnosisFacts());
        }

        if (flow.Suspended)
        {
            return (DiagnosisKinds.Suspended, $"The flow is suspended: no step starts until it is resumed (flowmachine flows resume {DiagnosisText.Word(flow.Id)}).",
                new DiagnosisFacts { Commands = [$"flowmachine flows resume {DiagnosisText.Word(flow.Id)}"] });
        }

        if (flow.RoutinePaused)
        {
            var routine = flow.Routine ?? "(inline)";
            return (DiagnosisKinds.RoutinePaused, $"Routine {routine} is paused: no worker claims its flows until it is resumed (flowmachine routines resume {DiagnosisText.Word(routine)}).",
                new DiagnosisFacts { Routine = flow.Routine, Commands = [$"flowmachine routines resume {DiagnosisText.Word(routine)}"] });
        }

        if (flow.Deadline is { } deadline && deadline <= now)
        {
            var word = DiagnosisText.Word(flow.Id);
            return (DiagnosisKinds.Deadline,
                $"The flow is past its deadline ({DiagnosisText.Time(deadline)}, {DiagnosisText.Age(now - deadline)} ago): it fails with \"deadline exceeded\" as soon as a worker takes it up, its running steps cancelled.",
                new DiagnosisFacts { Worker = flow.LeaseOwner, LeaseExpiresAt = flow.LeaseExpiresAt, Commands = [$"flowmachine flows cancel {word}"] });
        }

        if (flow.LeaseOwner is { } owner)
        {
            return await LeasedAsync(view, owner, now, ct).ConfigureAwait(false);
        }

        if (flow.NextRunAt is { } due && due <= now)
        {
            return await DueAsync(view, due, now, ct).ConfigureAwait(false);
        }

        if (view.Steps.FirstOrDefault(s => s.State == StepState.Pending && s.WaitReason is not null) is { } held)
        {
            return await HeldBackAsync(held, now, ct).ConfigureAwait(false);
        }

        if (view.Steps.FirstOrDefault(s => s.State == StepState.Waiting) is { } waiting)
        {
            return await WaitingAsync(view, waiting, ct).ConfigureAwait(false);
        }

        if (view.Steps.FirstOrDefault(s => s.State == StepState.Pending && s.NotBefore is not null && s.Attempts > 0) is { } retry)
        {
            return (DiagnosisKinds.Retry,
                $"Step {retry.Key} failed attempt {retry.Attempts} and waits for its retry: it runs again by itself at {DiagnosisText.Time(retry.NotBefore)}.",
                new DiagnosisFacts { StepKey = retry.Key, DueAt = retry.NotBefore });
        }

        if (flow.NextRunAt is { } later)
        {
            return (DiagnosisKinds.Scheduled, $"The flow is not due yet: a worker picks it up by itself at {DiagnosisText.Time(later)}.", new DiagnosisFacts { DueAt = later });
        }

        var id = DiagnosisText.Word(flow.Id);
        return (DiagnosisKinds.Idle,
            $"The flow is {flow.State.ToName()} but nothing is due, nothing waits and no worker holds it, so nothing moves it by itself: reset it (flowmachine flows reset {id}) or cancel it.",
            new DiagnosisFacts { WaitReason = flow.WaitReason, Commands = [$"flowmachine flows reset {id}", $"flowmachine flows cancel {id}"] });
    }

    /// <summary>True when the flow ended FAILED at its deadline ("deadline exceeded").</summary>
    public static bool FailedByDeadline(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.State == FlowState.Failed && flow.Error == Engine.FlowRun.DeadlineExceeded;
    }

    private async Task<IReadOnlyList<WorkerRecord>> WorkersAsync(CancellationToken ct) =>
        await store.ListWorkersAsync(ct).ConfigureAwait(false);
}
