namespace FlowMachine.Testing.Tests.Tasks;

/// <summary>Hands shipping to a child flow of the <c>ship</c> routine and waits for it.</summary>
[TaskType("shop.Ship")]
public sealed class ShipParcels : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.SpawnRoutine("ship", new { parcels = context.RequiredParam<int>("parcels") }));
}
