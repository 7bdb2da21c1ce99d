namespace FlowMachine.Testing.Tests.Tasks;

/// <summary>A task author's task: small orders pass, large ones wait for a person.</summary>
[TaskType("shop.Approve")]
public sealed class ApproveOrder : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var amount = context.RequiredParam<decimal>("amount");
        return ValueTask.FromResult<Outcome>(amount < 100 ? Outcome.Result("auto-approved") : Outcome.Wait("manual review"));
    }
}
