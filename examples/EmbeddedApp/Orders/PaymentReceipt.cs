namespace EmbeddedApp.Orders;

/// <summary>A charge that went through.</summary>
/// <param name="ReceiptId">The processor's id for the charge.</param>
/// <param name="Order">The order charged.</param>
/// <param name="Amount">The amount charged.</param>
public sealed record PaymentReceipt(string ReceiptId, string Order, decimal Amount);
