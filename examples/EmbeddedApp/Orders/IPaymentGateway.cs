namespace EmbeddedApp.Orders;

/// <summary>The card processor the shop talks to.</summary>
public interface IPaymentGateway
{
    /// <summary>Charges <paramref name="amount"/> for <paramref name="order"/>; the same <paramref name="idempotencyKey"/> charges once.</summary>
    Task<PaymentReceipt> ChargeAsync(string order, decimal amount, string idempotencyKey, CancellationToken cancellationToken);
}
