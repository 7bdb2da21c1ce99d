namespace FlowMachine.Tests.Specs;

/// <summary>A task that does nothing; specs only need its name to be registered.</summary>
internal sealed class TestTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Result());
}
