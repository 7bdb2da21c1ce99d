using FlowMachine;

namespace EmbeddedApp.Orders;

/// <summary>Charges the order's card once, however often the step runs.</summary>
[TaskType("shop.Charge", Description = "Charges the order's card once.")]
[TaskParam("order", "The order id.", Required = true)]
[TaskParam("amount", "The amount to charge.", Required = true)]
internal sealed class ChargeCard(IPaymentGateway payments) : IFlowTask
{
    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // flowId/stepKey without the attempt: a retry or a re-run after a crash must not charge twice.
        var key = $"{context.FlowId}/{context.StepKey}";
        var receipt = await payments.ChargeAsync(context.RequiredParam<string>("order"), context.RequiredParam<decimal>("amount"), key, cancellationToken);
        return Outcome.Result(receipt);
    }
}
