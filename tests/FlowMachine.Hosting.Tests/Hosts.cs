using FlowMachine.Engine;
using FlowMachine.Examples;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Hosting.Tests;

/// <summary>Builds real hosts on a SQLite file and waits for flows.</summary>
internal static class Hosts
{
    public static IHost Build(string db, Action<FlowMachineOptions>? configure = null, Action<FlowMachineBuilder>? setup = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var flowMachine = builder.Services.AddFlowMachine(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(o);
        }).UseSqlite(db).AddTasks(ExampleTasks.Assembly).AddTasks(typeof(CountTask).Assembly);
        setup?.Invoke(flowMachine);
        return builder.Build();
    }

    public static async Task<FlowView> WaitForAsync(IFlowClient client, string flowId, Func<FlowView, bool> until, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var view = await client.GetAsync(flowId) ?? throw new InvalidOperationException($"flow {flowId} is gone");
            if (until(view))
            {
                return view;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"flow {flowId} is still {view.State} after {seconds} s");
            }

            await Task.Delay(20);
        }
    }

    public static Task<FlowView> WaitForStateAsync(IFlowClient client, string flowId, FlowState state, double seconds = 20) =>
        WaitForAsync(client, flowId, v => v.State == state, seconds);
}
