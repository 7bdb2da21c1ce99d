namespace FlowMachine.Testing.Tests.Tasks;

/// <summary>Waits a week on a durable timer, then the flow goes on.</summary>
[TaskType("shop.RemindLater")]
public sealed class RemindLater : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Wait("a week to think", until: context.Time.GetUtcNow().AddDays(7)));
}
