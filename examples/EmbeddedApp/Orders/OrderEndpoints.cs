using System.Text.Json.Nodes;
using FlowMachine;

namespace EmbeddedApp.Orders;

/// <summary>The app's own endpoints: they start and read flows through <see cref="IFlowClient"/>.</summary>
internal static class OrderEndpoints
{
    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders", StartAsync);
        app.MapGet("/orders/{id}", GetAsync);
        return app;
    }

    private static async Task<IResult> StartAsync(OrderRequest order, IFlowClient flows, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(order.OrderId) || order.Quantity < 1 || order.Amount <= 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["order"] = ["orderId, a quantity of 1 or more and a positive amount are required"] });
        }

        // The order id is the flow key: posting the same order twice returns the first flow.
        var started = await flows.StartAsync(
            new StartFlowRequest { SpecText = OrderRoutine.Spec, Input = OutcomeJson.ToNode(order), Key = "order-" + order.OrderId },
            cancellationToken);
        return TypedResults.Accepted($"/orders/{started.Flow.Id}", new { id = started.Flow.Id, created = started.Created });
    }

    private static async Task<IResult> GetAsync(string id, IFlowClient flows, CancellationToken cancellationToken)
    {
        var flow = await flows.GetAsync(id, cancellationToken);
        if (flow is null)
        {
            return TypedResults.NotFound();
        }

        var steps = flow.Steps.ToDictionary(s => s.Key, s => s.State.ToName());
        var receipt = flow.Steps.FirstOrDefault(s => s.Key == "charge")?.Result;
        return TypedResults.Ok(new OrderStatus(flow.Flow.Id, flow.State.ToName(), steps, receipt, flow.Flow.Error));
    }
}
