namespace FlowMachine.Testing.Tests.Tasks;

/// <summary>The child routine's task: one label per parcel of the flow input.</summary>
[TaskType("shop.Label")]
public sealed class LabelParcels : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var parcels = context.Input?["parcels"]?.GetValue<int>() ?? 0;
        return ValueTask.FromResult<Outcome>(Outcome.Result(Enumerable.Range(1, parcels).Select(i => $"label-{i}").ToArray()));
    }
}
