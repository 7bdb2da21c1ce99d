using System.ComponentModel.DataAnnotations;
using FlowMachine;

namespace TypedApp.Checkout;

/// <summary>The params of <see cref="ChargeCard"/>.</summary>
public sealed class ChargeParams
{
    /// <summary>The order being paid.</summary>
    [Required]
    public string? OrderId { get; init; }

    /// <summary>The amount to charge.</summary>
    [Range(0.01, 10000)]
    public decimal Amount { get; init; }
}

/// <summary>What the payment provider answered.</summary>
public sealed record Receipt(string ReceiptId, decimal Amount);

/// <summary>Charges the customer's card.</summary>
[TaskType("shop.ChargeCard", Description = "Charges the customer's card.")]
public sealed class ChargeCard : FlowTask<ChargeParams, Receipt>
{
    /// <inheritdoc/>
    protected override ValueTask<Receipt> PerformAsync(ChargeParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Receipt($"rcpt-{parameters.OrderId}", parameters.Amount));
}
