namespace FlowMachine.Examples;

/// <summary>Seed task <c>test.Two</c>: records its input, params, the earlier results it saw and its attempt.</summary>
[TaskType("test.Two", Description = "Seed sample: returns what it saw (input, params, earlier result keys, attempt).")]
public sealed class TestTwo : IFlowTask
{
    /// <inheritdoc/>
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Result(Seen.Record("test.Two", context)));
}
