namespace FlowMachine.Testing;

/// <summary>A task type made from a lambda, for fakes in tests.</summary>
internal sealed class DelegateTask(Func<TaskContext, Outcome> perform) : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(perform(context));
}
