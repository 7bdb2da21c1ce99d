namespace EmbeddedApp.Orders;

/// <summary>The routine every order runs: reserve the stock, charge the card, confirm.</summary>
internal static class OrderRoutine
{
    public const string Spec = """
        label: order
        tasks:
          - { key: reserve, task_type: shop.Reserve, task_params: { sku: "$input.sku", quantity: "$input.quantity" } }
          - { key: charge, task_type: shop.Charge, task_params: { order: "$input.orderId", amount: "$input.amount" }, retry: { attempts: 3, delay: 1 } }
          - { key: confirm, task_type: print, task_params: { msg: "order ${input.orderId} confirmed" } }
        """;
}
