namespace FlowMachine.Testing.Tests.Tasks;

/// <summary>A payment call that fails twice (a flaky gateway) and then succeeds.</summary>
[TaskType("shop.Charge")]
public sealed class ChargeCard : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        context.Log.Info($"charge {context.IdempotencyKey} at {context.Time.GetUtcNow():HH:mm:ss}");
        if (context.Attempt < 3)
        {
            throw new HttpRequestException($"gateway timeout (attempt {context.Attempt})");
        }

        return ValueTask.FromResult<Outcome>(Outcome.Result(new { receipt = "r-1", attempt = context.Attempt }));
    }
}
