namespace FlowMachine.Examples;

/// <summary>Seed task <c>test.Three</c>: records its input, params, the earlier results it saw and its attempt.</summary>
[TaskType("test.Three", Description = "Seed sample: returns what it saw (input, params, earlier result keys, attempt).")]
public sealed class TestThree : IFlowTask
{
    /// <inheritdoc/>
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Result(Seen.Record("test.Three", context)));
}
