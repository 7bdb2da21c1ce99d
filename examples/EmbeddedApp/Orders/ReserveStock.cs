using FlowMachine;

namespace EmbeddedApp.Orders;

/// <summary>Reserves stock for the order.</summary>
[TaskType("shop.Reserve", Description = "Reserves stock for an order.")]
[TaskParam("sku", "What to reserve.", Required = true)]
[TaskParam("quantity", "How many.", Required = true)]
internal sealed class ReserveStock : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var sku = context.RequiredParam<string>("sku");
        var quantity = context.RequiredParam<int>("quantity");
        context.Log.Info($"reserved {quantity} x {sku}");
        return ValueTask.FromResult<Outcome>(Outcome.Result(new { sku, quantity }));
    }
}
