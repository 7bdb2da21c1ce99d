using System.ComponentModel.DataAnnotations;

namespace FlowMachine.Testing.Tests.Tasks;

public enum Shipping
{
    Ground,
    Air,
}

public sealed class PriceOrderParams
{
    [Range(1, 1000)]
    public required int Amount { get; init; }

    public Shipping Shipping { get; init; }
}

public sealed record Price(int Total, Shipping Shipping);

/// <summary>A typed task: adds shipping to an amount.</summary>
[TaskType("shop.Price")]
public sealed class PriceOrder : FlowTask<PriceOrderParams, Price>
{
    protected override ValueTask<Price> PerformAsync(PriceOrderParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Price(parameters.Amount + (parameters.Shipping == Shipping.Air ? 20 : 5), parameters.Shipping));
}
