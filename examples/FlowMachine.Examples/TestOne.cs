namespace FlowMachine.Examples;

/// <summary>Seed task <c>test.One</c>: records its input, params, the earlier results it saw and its attempt.</summary>
[TaskType("test.One", Description = "Seed sample: returns what it saw (input, params, earlier result keys, attempt).")]
public sealed class TestOne : IFlowTask
{
    /// <inheritdoc/>
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Result(Seen.Record("test.One", context)));
}
