namespace FlowMachine.BuiltIns;

/// <summary>Does nothing and completes with null: a placeholder or a join point in a DAG.</summary>
[TaskType("noop", Description = "Does nothing; completes with null.")]
internal sealed class NoopTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Result(null));
}
