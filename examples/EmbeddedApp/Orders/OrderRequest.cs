namespace EmbeddedApp.Orders;

/// <summary>The body of <c>POST /orders</c>.</summary>
/// <param name="OrderId">The shop's order id; a second post with the same id returns the first flow.</param>
/// <param name="Sku">What is bought.</param>
/// <param name="Quantity">How many.</param>
/// <param name="Amount">What to charge.</param>
public sealed record OrderRequest(string OrderId, string Sku, int Quantity, decimal Amount);
