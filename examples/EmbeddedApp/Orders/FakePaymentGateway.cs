using System.Collections.Concurrent;

namespace EmbeddedApp.Orders;

/// <summary>A stand-in processor that, like real ones, answers a repeated idempotency key with the first receipt.</summary>
internal sealed class FakePaymentGateway : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, PaymentReceipt> charges = new(StringComparer.Ordinal);

    public Task<PaymentReceipt> ChargeAsync(string order, decimal amount, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult(charges.GetOrAdd(idempotencyKey, _ => new PaymentReceipt("rcpt-" + Guid.NewGuid().ToString("N")[..10], order, amount)));
}
