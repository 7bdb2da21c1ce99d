using System.Diagnostics.CodeAnalysis;
using FlowMachine.Diagnostics;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// The loop of a claimed flow: start ready steps, apply what finishes, commit every transition.
public sealed partial class FlowEngine
{
    /// <summary>The run of a flow this process has just taken into <see cref="held"/>; lets go of it at the end.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A store or engine error ends this flow's run and is reported through Faulted; the worker keeps running the other flows.")]
    private async Task<Exception?> RunHeldAsync(ClaimedFlow? claimed, FirstRound? first, HeldFlow mine, bool tick, CancellationToken stop)
    {
        Exception? fault = null;
        var flowId = first?.Run.Flow.Id ?? claimed!.Flow.Id;
        var lost = mine.Lost;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, lost.Token);
        var running = new Dictionary<int, RunningStep>();
        var finished = new List<int>();

        // A step's own token source, kept for the next step when the step finished without cancelling it.
        CancellationTokenSource? spare = null;
        FlowRun? run = null;
        LimitLedger? limits = null;
        Task? deadline = null;
        CancellationTokenSource? deadlineTimer = null;
        try
        {
            var now = Now;
            if (first is not null)
            {
                // Stored with its first round taken (no limits, no input yet): its started steps are launched below.
                run = first.Run;
                mine.Run = run;
            }
            else
            {
                run = new FlowRun(claimed!, FlowPlan.For(claimed!.Flow.SpecJson), Catalog, Router);
                mine.Run = run;
                run.Begin(now);
                if ((limits = LedgerFor(run.Plan)) is not null)
                {
                    run.RetrySlotWaits();
                }

                run.RecoverLost(Options.MaxRecoveries, now);
                await ApplyCommandsAsync(run, claimed.Commands, linked.Token).ConfigureAwait(false);
                run.ApplyEvents(now);
                run.ApplyTimers(now);
            }

            var firstRound = true;
            var fresh = false;
            while (true)
            {
                // The time read when the last steps finished serves the round that goes straight on from them.
                if (!fresh)
                {
                    now = Now;
                }

                fresh = false;
                var taken = first;
                first = null;
                if (taken is null)
                {
                    run.ApplyDeadline(now);
                }

                var starts = taken?.Starts ?? (!tick || firstRound ? run.TakeReady(now) : []);
                firstRound = false;

                // Slots and tokens are taken in the commit that starts the steps (or beside it, by a store that cannot);
                // refused ones go back after it.
                var asks = limits is not null && starts.Count > 0 ? AsksFor(run, limits, starts) : null;
                var takesInCommit = asks is not null && Store.TakesLimitsInCommit;
                var gate = asks is not null && !takesInCommit ? TakeAsync(flowId, asks, now, linked.Token) : null;

                var release = taken is null && (!run.IsActive || (running.Count == 0 && starts.Count == 0));
                var transition = taken?.Transition ?? run.Flush(Owner, now, release);
                if (limits is not null)
                {
                    transition = limits.Attach(transition);
                    if (takesInCommit)
                    {
                        transition = WithTakes(transition, asks!, now);
                    }
                }

                var cancels = run.TakeCancelRequests();
                CommitResult committed = default; // the first round was committed by the create
                if (taken is null)
                {
                    committed = await Store.CommitAsync(transition, CancellationToken.None).ConfigureAwait(false);
                    OnCommitted(transition);
                }

                var outcomes = gate is not null ? await gate.ConfigureAwait(false)
                    : takesInCommit ? Taken(flowId, asks!, committed.LimitsTaken ?? throw new InvalidOperationException("The store took no limits with the commit."), now)
                    : null;
                var heldBack = outcomes is not null && ApplyGate(run, limits!, outcomes, starts, now);

                if (committed.WokeWaiter)
                {
                    Signal.Notify(); // the oldest waiter of a freed key is due now
                }

                foreach (var i in cancels)
                {
                    if (running.Remove(i, out var r))
                    {
                        await r.Cancel.CancelAsync().ConfigureAwait(false);
                    }
                }

                if (release)
                {
                    if (committed.HasCommands && run.IsActive)
                    {
                        Signal.Notify(); // a command came in as we let go: pick the flow up again
                    }

                    return null;
                }

                if (committed.HasCommands && starts.Count > 0)
                {
                    // Commands came in with the commit that started these steps: a suspension keeps them from running.
                    var commands = await Store.GetCommandsAsync(flowId, linked.Token).ConfigureAwait(false);
                    if (commands.Any(c => c.Kind == FlowCommand.Suspend))
                    {
                        run.Unstart(starts);
                        foreach (var (index, _) in starts)
                        {
                            limits?.Finish(index);
                        }

                        await ApplyCommandsAsync(run, commands, linked.Token).ConfigureAwait(false);
                        continue;
                    }
                }

                foreach (var (index, attempt) in starts)
                {
                    var cancel = spare ?? CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                    spare = null;
                    running[index] = limits?.TakeKeyError(index) is { } keyError
                        ? new RunningStep(null, cancel, new StepExecution(index, attempt, Outcome.Fail(keyError), true, false))
                        : Launch(run, index, attempt, cancel, linked.Token);
                }

                if (heldBack && running.Count > 0)
                {
                    continue; // commit at once that the held back steps wait, not only when a sibling finishes
                }

                if (committed.HasCommands)
                {
                    var commands = await Store.GetCommandsAsync(flowId, linked.Token).ConfigureAwait(false);
                    await ApplyCommandsAsync(run, commands, linked.Token).ConfigureAwait(false);
                    continue;
                }

                if (running.Count == 0)
                {
                    continue;
                }

                if (!AnyCompleted(running))
                {
                    // Past the flow's deadline its running steps are cancelled: the wait ends then at the latest.
                    if (run.Flow.Deadline is { } at)
                    {
                        if (deadline is not { IsCompleted: false })
                        {
                            deadlineTimer?.Dispose();
                            deadlineTimer = new CancellationTokenSource();
                            deadline = ClockDelay.Until(Time, at, deadlineTimer.Token);
                        }

                        await Task.WhenAny(running.Values.Select(r => r.Task!).Append(deadline)).ConfigureAwait(false);
                    }
                    else
                    {
                        await Task.WhenAny(running.Values.Select(r => r.Task!)).ConfigureAwait(false);
                    }
                }

                now = Now;
                finished.Clear();
                foreach (var (index, step) in running)
                {
                    if (step.IsCompleted)
                    {
                        finished.Add(index);
                    }
                }

                foreach (var index in finished)
                {
                    running.Remove(index, out var step);
                    limits?.Finish(index);
                    if (spare is null && step.Cancel.TryReset())
                    {
                        spare = step.Cancel;
                    }
                    else
                    {
                        step.Cancel.Dispose();
                    }

                    var execution = step.Result;
                    if (execution.Abandoned)
                    {
                        throw new OperationCanceledException(linked.Token);
                    }

                    if (step.Context is { } context)
                    {
                        run.SetAttributes(context.Attributes);
                        if (context.ReporterState is StepReport report)
                        {
                            await report.EndAsync().ConfigureAwait(false); // its last progress is stored before the step ends
                        }
                    }

                    await ApplyExecutionAsync(run, execution, now, linked.Token).ConfigureAwait(false);
                }

                run.ApplyEvents(now);
                run.ApplyTimers(now);
                fresh = true;
            }
        }
        catch (LeaseLostException)
        {
            // Another worker owns the flow now; it re-runs whatever was in flight here.
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // The lease was lost: another worker re-runs what was in flight here.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: commit what finished, leave the steps in flight RUNNING and let go of the lease,
            // so another worker re-runs them (with the next attempt) at once.
            if (run is not null)
            {
                try
                {
                    var at = Now;
                    run.HandBack(at);
                    limits?.FinishAll();
                    var transition = run.Flush(Owner, at, release: true);
                    transition = limits?.Attach(transition) ?? transition;
                    await Store.CommitAsync(transition, CancellationToken.None).ConfigureAwait(false);
                    OnCommitted(transition);
                }
                catch (Exception ex)
                {
                    Faulted?.Invoke(flowId, ex);
                }
            }
        }
        catch (Exception ex)
        {
            fault = ex;
            Faulted?.Invoke(flowId, ex);
        }
        finally
        {
            foreach (var r in running.Values)
            {
                await r.Cancel.CancelAsync().ConfigureAwait(false);
            }

            held.TryRemove(new KeyValuePair<string, HeldFlow>(flowId, mine));
            if (limits is not null)
            {
                slotHolders.TryRemove(flowId, out _); // slots left unreleased expire with the lease
            }

            spare?.Dispose();
            if (deadlineTimer is not null)
            {
                await deadlineTimer.CancelAsync().ConfigureAwait(false);
                deadlineTimer.Dispose();
            }
        }

        return fault;
    }

    private static bool AnyCompleted(Dictionary<int, RunningStep> running)
    {
        foreach (var step in running.Values)
        {
            if (step.IsCompleted)
            {
                return true;
            }
        }

        return false;
    }

    private void OnCommitted(FlowTransition transition)
    {
        FlowMachineDiagnostics.Committed(transition);
        if (transition.NewFlows.Count > 0 || transition.Commands.Count > 0)
        {
            Signal.Notify();
        }

        Committed?.Invoke(transition);
        if (changed is { } observers)
        {
            observers(FlowChange.Of(transition)); // built only when someone subscribed to the change feed
        }
    }
}
