using TypedApp.Checkout;

// Checks out one order in a SQLite file (the first argument, else checkout.db) and prints the confirmation.
var database = args.Length > 0 ? args[0] : "checkout.db";
var order = new Order("A-1", "mug", 2, 19.90m);
var confirmation = await CheckoutApp.RunAsync(database, order, CancellationToken.None);
Console.WriteLine($"order {confirmation.OrderId}: stock {confirmation.ReservationId}, paid {confirmation.ReceiptId}");
