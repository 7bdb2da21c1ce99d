using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using FlowMachine.Diagnostics;
using FlowMachine.Interpolation;
using FlowMachine.Registry;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Step execution: the task context, one attempt (synchronous fast path or awaited), its errors and metrics.
public sealed partial class FlowEngine
{
    private RunningStep Launch(FlowRun run, int index, int attempt, CancellationTokenSource cancel, CancellationToken stop)
    {
        var spec = run.Plan.Steps[index];
        if (!Catalog.TryGet(spec.TaskType, out var info))
        {
            return new RunningStep(null, cancel, new StepExecution(index, attempt, Outcome.Fail($"task type '{spec.TaskType}' is not registered in this host"), true, false));
        }

        TaskContext context;
        try
        {
            context = CreateContext(run, index, attempt, info, args: null);
        }
        catch (InterpolationException ex)
        {
            return new RunningStep(null, cancel, new StepExecution(index, attempt, Outcome.Fail(ex.Message), true, false));
        }

        var limits = new AttemptLimits(run.TimeoutOf(index, info), run.HeartbeatTimeoutOf(index));
        return Execute(info, context, run.Flow, index, attempt, limits, cancel, stop) with { Context = context };
    }

    private TaskContext CreateContext(FlowRun run, int index, int attempt, TaskTypeInfo info, JsonNode? args)
    {
        var spec = run.Plan.Steps[index];
        var step = run.Steps[index];
        var flow = run.Flow;
        var raw = spec.TaskParams;
        if (step.ParamOverrides is { Count: > 0 } overrides)
        {
            raw = (JsonObject)raw.DeepClone();
            foreach (var (name, value) in overrides)
            {
                raw[name] = value?.DeepClone();
            }
        }

        var parameters = raw.Count == 0 ? [] : Interpolator.Resolve(raw, new InterpolationScope(flow.Input, flow.Data, run.Results));
        return new TaskContext
        {
            FlowId = flow.Id,
            StepKey = spec.Key,
            TaskType = info.Name,
            Attempt = attempt,
            Generation = flow.Generation,
            Input = flow.Input,
            Data = flow.Data,
            Results = run.Results,
            Params = parameters,
            Args = args,
            Owner = flow.Owner,
            Log = Options.TaskLog,
            Time = Time,
            Services = Options.Services,
            Reporter = Reporter,
        };
    }

    /// <summary>
    /// Runs one attempt. A task that completes synchronously (most no-op and in-memory tasks) is
    /// finished here without a timer, a span or an async state machine; the rest is awaited.
    /// </summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a task throws becomes the step's outcome (retry, fail or timeout); it must not escape the engine.")]
    private RunningStep Execute(TaskTypeInfo info, TaskContext context, FlowRecord flow, int index, int attempt, AttemptLimits limits, CancellationTokenSource cancel, CancellationToken stop)
    {
        if (limits.Any || FlowMachineDiagnostics.Source.HasListeners())
        {
            return new RunningStep(ExecuteAsync(info, context, flow, index, attempt, limits, cancel, stop), cancel, default);
        }

        // Timed only for the step metrics, when someone listens to them.
        var started = FlowMachineDiagnostics.StepDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        ValueTask<Outcome> pending;
        try
        {
            pending = info.Factory(Options.Services).PerformAsync(context, cancel.Token);
        }
        catch (Exception ex)
        {
            return new RunningStep(null, cancel, Observe(info, Classify(ex, index, attempt, default, stop), started));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return new RunningStep(null, cancel, Observe(info, new StepExecution(index, attempt, pending.Result ?? Outcome.Result(null), false, false), started));
        }

        return new RunningStep(FinishAsync(pending, info, index, attempt, started, stop), cancel, default);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a task throws becomes the step's outcome (retry, fail or timeout); it must not escape the engine.")]
    private static async Task<StepExecution> FinishAsync(ValueTask<Outcome> pending, TaskTypeInfo info, int index, int attempt, long started, CancellationToken stop)
    {
        StepExecution execution;
        try
        {
            execution = new StepExecution(index, attempt, await pending.ConfigureAwait(false) ?? Outcome.Result(null), false, false);
        }
        catch (Exception ex)
        {
            execution = Classify(ex, index, attempt, default, stop);
        }

        return Observe(info, execution, started);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a task throws becomes the step's outcome (retry, fail or timeout); it must not escape the engine.")]
    private async Task<StepExecution> ExecuteAsync(TaskTypeInfo info, TaskContext context, FlowRecord flow, int index, int attempt, AttemptLimits limits, CancellationTokenSource cancel, CancellationToken stop)
    {
        using var timer = limits.Timeout is { } t ? new CancellationTokenSource(t, Time) : null;
        using var watchdog = limits.HeartbeatTimeout is { } h ? new CancellationTokenSource(h, Time) : null;
        if (watchdog is not null)
        {
            context.ReporterState = new StepReport(this, context.FlowId, context.StepKey, watchdog, limits.HeartbeatTimeout!.Value);
        }

        using var linked = Link(timer, watchdog, cancel.Token);
        var token = linked?.Token ?? cancel.Token;
        var running = new RunningLimits(limits, timer, watchdog, context.StepKey);
        using var activity = FlowMachineDiagnostics.StartStep(flow, context);
        var started = Stopwatch.GetTimestamp();
        StepExecution execution;
        Exception? error = null;
        try
        {
            var task = info.Factory(Options.Services);
            execution = new StepExecution(index, attempt, await task.PerformAsync(context, token).ConfigureAwait(false) ?? Outcome.Result(null), false, false);
            if (watchdog?.IsCancellationRequested == true && !stop.IsCancellationRequested)
            {
                execution = running.Silent(index, attempt); // it returned after all, but the worker had given up on it
            }
        }
        catch (Exception ex)
        {
            error = ex;
            execution = Classify(ex, index, attempt, running, stop);
        }

        if (activity is not null)
        {
            FlowMachineDiagnostics.EndStep(activity, OutcomeTag(execution), execution.Outcome, error);
            execution = execution with { Span = activity.Context }; // a child flow it spawns links to this span
        }

        return Observe(info, execution, started);
    }

    private static StepExecution Classify(Exception exception, int index, int attempt, RunningLimits limits, CancellationToken stop) => exception switch
    {
        OperationCanceledException when stop.IsCancellationRequested => new(index, attempt, Outcome.Fail("the worker stopped"), false, true),
        OperationCanceledException when limits.Timer?.IsCancellationRequested == true => new(index, attempt, Outcome.Fail($"timed out after {limits.Limits.Timeout!.Value.TotalSeconds:0.###} s"), false, false),
        _ when limits.Watchdog?.IsCancellationRequested == true => limits.Silent(index, attempt), // whatever the cancelled task threw
        TaskParamException param => new(index, attempt, Outcome.Fail(param.Message), true, false),
        _ => new(index, attempt, new FailOutcome($"{exception.GetType().Name}: {exception.Message}", exception.ToString()), false, false),
    };

    /// <summary>The token an attempt runs with: the step's own, cancelled too by whichever of its timers there are.</summary>
    private static CancellationTokenSource? Link(CancellationTokenSource? timer, CancellationTokenSource? watchdog, CancellationToken token) => (timer, watchdog) switch
    {
        (null, null) => null,
        ({ } t, null) => CancellationTokenSource.CreateLinkedTokenSource(token, t.Token),
        (null, { } w) => CancellationTokenSource.CreateLinkedTokenSource(token, w.Token),
        ({ } t, { } w) => CancellationTokenSource.CreateLinkedTokenSource(token, t.Token, w.Token),
    };

    private static string OutcomeTag(in StepExecution execution) =>
        execution.Abandoned ? "abandoned" : FlowMachineDiagnostics.OutcomeName(execution.Outcome);

    private static StepExecution Observe(TaskTypeInfo info, in StepExecution execution, long started)
    {
        if (FlowMachineDiagnostics.Steps.Enabled || FlowMachineDiagnostics.StepDuration.Enabled)
        {
            var tags = new TagList { { "task_type", info.Name }, { "outcome", OutcomeTag(execution) } };
            FlowMachineDiagnostics.Steps.Add(1, tags);
            if (started != 0)
            {
                FlowMachineDiagnostics.StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }

        return execution;
    }
}
