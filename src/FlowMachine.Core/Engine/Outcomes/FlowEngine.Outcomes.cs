using FlowMachine.Interpolation;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Applying a finished attempt's outcome to the state machine: size limits, secret scrubbing, spawns.
public sealed partial class FlowEngine
{
    // now: the time the round read when its steps finished; one clock read serves them all.
    private async Task ApplyExecutionAsync(FlowRun run, StepExecution execution, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!run.Accepts(execution))
        {
            return; // cancelled, skipped or reset while it ran
        }

        var index = execution.Index;
        if (OversizeResult(execution.Outcome) is { } bytes)
        {
            // Refused before it reaches the store: one huge result must not bloat every later read of the flow.
            run.ApplyFailure(index, $"the result is {bytes} bytes of JSON, more than the limit of {Options.MaxResultBytes} bytes (FlowEngineOptions.MaxResultBytes); store large data elsewhere and return a reference", null, permanent: true, now);
            return;
        }

        switch (execution.Outcome)
        {
            case ResultOutcome result:
                run.ApplyResult(index, result, now);
                break;
            case WaitOutcome wait:
                run.ApplyWait(index, wait, now);
                break;
            case SpawnOutcome spawn:
                IReadOnlyList<NewFlow> children;
                try
                {
                    children = await BuildChildrenAsync(run, index, spawn, execution.Span, now, cancellationToken).ConfigureAwait(false);
                }
                catch (SpecException ex)
                {
                    run.ApplyFailure(index, $"cannot spawn: {ex.Message}", null, permanent: true, now);
                    break;
                }

                if (children.Count == 0)
                {
                    run.ApplyEmptySpawn(index, spawn, now);
                }
                else
                {
                    run.ApplySpawn(index, spawn, children, now);
                }

                break;
            case KillOutcome kill:
                run.ApplyKill(index, kill, now);
                break;
            case DoneOutcome done:
                run.ApplyDone(index, done, now);
                break;
            case FailOutcome fail:
                var secrets = SecretsOf(run, index, execution.Attempt);
                run.ApplyFailure(index, SecretParams.Scrub(fail.Error, secrets)!, SecretParams.Scrub(fail.Detail, secrets), execution.Permanent, now);
                break;
            default:
                run.ApplyFailure(index, $"the task returned an unknown outcome {execution.Outcome.GetType().Name}", null, permanent: true, now);
                break;
        }
    }

    /// <summary>
    /// The values of the step's secret params, to scrub from its error before it reaches history: a task
    /// that fails with a message quoting its token (a URL, a connection string) must not leak it.
    /// </summary>
    private IReadOnlyList<string> SecretsOf(FlowRun run, int index, int attempt)
    {
        if (!Catalog.TryGet(run.Plan.Steps[index].TaskType, out var info) || !SecretParams.Any(info))
        {
            return [];
        }

        try
        {
            return SecretParams.ValuesOf(CreateContext(run, index, attempt, info, args: null).Params, info);
        }
        catch (InterpolationException)
        {
            return SecretParams.ValuesOf(run.Plan.Steps[index].TaskParams, info);
        }
    }

    /// <summary>The size of a result or done value over <see cref="FlowEngineOptions.MaxResultBytes"/>, else null.</summary>
    private long? OversizeResult(Outcome outcome)
    {
        var value = outcome switch
        {
            ResultOutcome result => result.Value,
            DoneOutcome done => done.Value,
            _ => null,
        };
        return value is null ? null : JsonSize.Of(value) is var bytes && bytes > Options.MaxResultBytes ? bytes : null;
    }
}
