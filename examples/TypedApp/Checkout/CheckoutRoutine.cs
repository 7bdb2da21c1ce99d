using FlowMachine.Routines;

namespace TypedApp.Checkout;

/// <summary>The checkout routine, written in C#: reserve and charge side by side, then confirm with both results.</summary>
public static class CheckoutRoutine
{
    /// <summary>The routine's name.</summary>
    public const string Name = "checkout";

    /// <summary>Builds the routine (validated: a bad step throws here, naming its path).</summary>
    public static RoutineDefinition Build()
    {
        var routine = Routine.Define(Name).Label("checkout").Tags("shop");
        var reserve = routine.Step<ReserveStock, ReserveParams>("reserve", new ReserveParams { Sku = Ref.Input("sku"), Quantity = 1 })
            .Param(p => p.Quantity, Ref.Input("quantity"));
        var charge = routine.Step<ChargeCard, ChargeParams>("charge", new ChargeParams { OrderId = Ref.Input("orderId") })
            .Param(p => p.Amount, Ref.Input("amount"))
            .AtStart()
            .Retry(3, delay: TimeSpan.FromSeconds(2));
        routine.Step<ConfirmOrder, ConfirmParams>("confirm", new ConfirmParams
        {
            OrderId = Ref.Input("orderId"),
            ReservationId = reserve.ResultField((Reservation r) => r.ReservationId),
            ReceiptId = charge.ResultField((Receipt r) => r.ReceiptId),
        }).After(reserve, charge);
        return routine.Build();
    }
}
