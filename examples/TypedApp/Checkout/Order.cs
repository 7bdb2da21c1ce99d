namespace TypedApp.Checkout;

/// <summary>What a checkout flow takes as its input.</summary>
public sealed record Order(string OrderId, string Sku, int Quantity, decimal Amount);
