namespace FlowMachine.TestHost;

/// <summary>Records when it starts and ends (<see cref="SpanLog"/>), sleeping task_params.ms between; limited by the step's spec.</summary>
[TaskType("record.Span", Description = "Records its start and end in FLOWMACHINE_SPANS, sleeping task_params.ms between.")]
public sealed class SpanTask : IFlowTask
{
    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        SpanLog.Write('S', context);
        await Task.Delay(context.Param("ms", 0), cancellationToken);
        SpanLog.Write('E', context);
        return Outcome.Result(context.Attempt);
    }
}

/// <summary>As <see cref="SpanTask"/>, with a limit on the type: at most two run at once across every process.</summary>
[TaskType("record.Limited", Description = "As record.Span; at most two run at once.", MaxConcurrency = 2)]
public sealed class LimitedSpanTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) => new SpanTask().PerformAsync(context, cancellationToken);
}
