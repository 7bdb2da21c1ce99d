using System.ComponentModel.DataAnnotations;
using FlowMachine;

namespace TypedApp.Checkout;

/// <summary>The params of <see cref="ConfirmOrder"/>.</summary>
public sealed class ConfirmParams
{
    /// <summary>The order.</summary>
    [Required]
    public string? OrderId { get; init; }

    /// <summary>Its stock reservation.</summary>
    [Required]
    public string? ReservationId { get; init; }

    /// <summary>Its payment.</summary>
    [Required]
    public string? ReceiptId { get; init; }
}

/// <summary>The checkout's result.</summary>
public sealed record Confirmation(string OrderId, string ReservationId, string ReceiptId);

/// <summary>Confirms an order once its stock is reserved and it is paid.</summary>
[TaskType("shop.ConfirmOrder", Description = "Confirms a reserved and paid order.")]
public sealed class ConfirmOrder : FlowTask<ConfirmParams, Confirmation>
{
    /// <inheritdoc/>
    protected override ValueTask<Confirmation> PerformAsync(ConfirmParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Confirmation(parameters.OrderId!, parameters.ReservationId!, parameters.ReceiptId!));
}
