using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Queued commands applied to a leased flow's state machine, and the checks a resubmit runs.
public sealed partial class FlowEngine
{
    private async Task ApplyCommandsAsync(FlowRun run, IReadOnlyList<FlowCommand> commands, CancellationToken cancellationToken)
    {
        foreach (var command in commands)
        {
            var now = Now;
            run.Consume(command);
            switch (command.Kind)
            {
                case FlowCommand.Push when run.IsActive:
                    if (run.FindWaiting(command.StepKey) is { } pushed)
                    {
                        run.Push(pushed, command.Payload?["value"], command.Actor, now);
                    }
                    else
                    {
                        run.Ignore(command, now, "no step waits");
                    }

                    break;
                case FlowCommand.Submit when run.IsActive:
                    await SubmitAsync(run, command, cancellationToken).ConfigureAwait(false);
                    break;
                case FlowCommand.Cancel when run.IsActive:
                    run.Cancel(command.Payload?["reason"]?.GetValue<string>(), now);
                    break;
                case FlowCommand.Reset:
                    run.Reset(command.Actor, now);
                    break;
                case FlowCommand.Position:
                    var position = command.Payload?["position"]?.GetValue<int>() ?? -1;
                    if (position >= 0 && position < run.Steps.Length)
                    {
                        run.MovePosition(position, command.Actor, now);
                    }
                    else
                    {
                        run.Ignore(command, now, $"position {position} is out of range");
                    }

                    break;
                case FlowCommand.Retry when FlowRun.CanRetry(run.Flow.State):
                    run.Retry(command.Actor, now);
                    break;
                case FlowCommand.Retry:
                    run.Ignore(command, now, $"the flow is {run.Flow.State.ToName()}; only a FAILED, KILLED or CANCELLED flow is retried");
                    break;
                case FlowCommand.Suspend when run.IsActive:
                    run.Suspend(command.Actor, now);
                    break;
                case FlowCommand.Resume when run.IsActive:
                    run.Resume(command.Actor, now);
                    break;
                case FlowCommand.ChildFinished when run.IsActive:
                    run.ChildFinished(command, now);
                    break;
                default:
                    run.Ignore(command, now, run.IsActive ? "unknown command" : $"the flow has ended {run.Flow.State.ToName()}");
                    break;
            }
        }
    }

    private async Task SubmitAsync(FlowRun run, FlowCommand command, CancellationToken cancellationToken)
    {
        var args = command.Payload?["args"];
        var targets = command.StepKey is not null
            ? run.FindWaiting(command.StepKey) is { } one ? [one] : Array.Empty<int>()
            : [.. Enumerable.Range(0, run.Steps.Length).Where(i => run.Steps[i].State == StepState.Waiting && run.Steps[i].Spawn is null)];
        if (targets.Length == 0)
        {
            run.Ignore(command, Now, "no step waits for a check");
            return;
        }

        foreach (var index in targets)
        {
            var spec = run.Plan.Steps[index];
            if (!Catalog.TryGet(spec.TaskType, out var info))
            {
                run.CheckNotReady(index, $"task type '{spec.TaskType}' is not registered in this host", Now);
                continue;
            }

            var task = info.Factory(Options.Services);
            if (task is not ICheckableTask checkable)
            {
                run.CheckNotReady(index, $"task type '{spec.TaskType}' has no check; push a value instead", Now);
                continue;
            }

            try
            {
                var context = CreateContext(run, index, run.Steps[index].Attempts, info, args);
                var result = await checkable.CheckAsync(context, cancellationToken).ConfigureAwait(false);
                run.SetAttributes(context.Attributes);
                if (result.IsReady)
                {
                    run.CheckPassed(index, result.Value, Now);
                }
                else
                {
                    run.CheckNotReady(index, result.Reason, Now);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                run.CheckNotReady(index, $"the check threw {ex.GetType().Name}: {ex.Message}", Now);
            }
        }
    }
}
