namespace FlowMachine.Testing.Tests.Tasks;

/// <summary>Waits for a bank transfer; a resubmit checks whether it arrived.</summary>
[TaskType("shop.AwaitPayment")]
public sealed class AwaitPayment : ICheckableTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Wait("payment pending"));

    public ValueTask<CheckResult> CheckAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var paid = context.Args?["paid"]?.GetValue<bool>() ?? false;
        return ValueTask.FromResult(paid ? CheckResult.Ready(new { paid = true }) : CheckResult.NotReady("not yet"));
    }
}
