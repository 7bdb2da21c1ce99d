using FlowMachine.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Cli.Hosting;

/// <summary>An open client of a FlowMachine server; disposing releases its HTTP handlers.</summary>
internal sealed class ServerConnection(ServiceProvider services) : IAsyncDisposable
{
    public IFlowMachineClient Client { get; } = services.GetRequiredService<IFlowMachineClient>();

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
