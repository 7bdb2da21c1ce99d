using System.ComponentModel.DataAnnotations;
using FlowMachine;

namespace TypedApp.Checkout;

/// <summary>The params of <see cref="ReserveStock"/>.</summary>
public sealed class ReserveParams
{
    /// <summary>The article to reserve.</summary>
    [Required]
    public string? Sku { get; init; }

    /// <summary>How many.</summary>
    [Range(1, 100)]
    public int Quantity { get; init; }
}

/// <summary>A reservation of stock.</summary>
public sealed record Reservation(string ReservationId, string Sku, int Quantity);

/// <summary>Reserves stock for an order.</summary>
[TaskType("shop.ReserveStock", Description = "Reserves stock for an order.")]
public sealed class ReserveStock : FlowTask<ReserveParams, Reservation>
{
    /// <inheritdoc/>
    protected override ValueTask<Reservation> PerformAsync(ReserveParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Reservation($"res-{parameters.Sku}-{parameters.Quantity}", parameters.Sku!, parameters.Quantity));
}
