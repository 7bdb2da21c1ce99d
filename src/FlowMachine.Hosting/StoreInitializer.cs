using FlowMachine.Storage;
using Microsoft.Extensions.Hosting;

namespace FlowMachine.Hosting;

/// <summary>Creates or migrates the store's schema when the host starts.</summary>
internal sealed class StoreInitializer(IFlowStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken).AsTask();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
