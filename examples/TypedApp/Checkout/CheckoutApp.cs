using FlowMachine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TypedApp.Checkout;

/// <summary>The app: a host with the typed tasks and the C# routine, and a checkout that reads the flow's typed result.</summary>
public static class CheckoutApp
{
    /// <summary>A host keeping its flows in the SQLite file <paramref name="database"/>, its worker running in the process.</summary>
    public static IHost CreateHost(string database)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services
            .AddFlowMachine(o => o.PollInterval = TimeSpan.FromMilliseconds(50))
            .UseSqlite(database)
            .AddTask<ReserveStock>()
            .AddTask<ChargeCard>()
            .AddTask<ConfirmOrder>()
            .AddRoutine(CheckoutRoutine.Build());
        return builder.Build();
    }

    /// <summary>Starts a checkout flow for <paramref name="order"/> (once per order id), waits for it to end and reads its typed result.</summary>
    /// <exception cref="InvalidOperationException">The flow did not complete.</exception>
    public static async Task<Confirmation> CheckoutAsync(IFlowClient flows, Order order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(order);
        var started = await flows.StartAsync(
            new StartFlowRequest { Routine = CheckoutRoutine.Name, Input = OutcomeJson.ToNode(order), Key = "checkout-" + order.OrderId },
            cancellationToken);
        while (true)
        {
            var view = await flows.GetAsync(started.Flow.Id, cancellationToken) ?? throw new InvalidOperationException($"flow {started.Flow.Id} is gone");
            switch (view.Flow.State)
            {
                case FlowState.Completed:
                    return (await flows.GetResultAsync<Confirmation>(started.Flow.Id, cancellationToken))!;
                case FlowState.Failed or FlowState.Killed or FlowState.Cancelled:
                    throw new InvalidOperationException($"checkout {order.OrderId} ended {view.Flow.State}: {view.Flow.Error}");
                default:
                    await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
                    break;
            }
        }
    }

    /// <summary>Starts the host, checks out <paramref name="order"/> and stops.</summary>
    public static async Task<Confirmation> RunAsync(string database, Order order, CancellationToken cancellationToken)
    {
        using var host = CreateHost(database);
        await host.StartAsync(cancellationToken);
        try
        {
            return await CheckoutAsync(host.Services.GetRequiredService<IFlowClient>(), order, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
