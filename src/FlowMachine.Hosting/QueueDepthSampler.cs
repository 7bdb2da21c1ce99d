using FlowMachine.Diagnostics;
using FlowMachine.Storage;
using Microsoft.Extensions.Hosting;

namespace FlowMachine.Hosting;

/// <summary>Samples how many flows are pending or running, and how long the oldest due one has waited, every few seconds, for the queue gauges.</summary>
internal sealed class QueueDepthSampler(IFlowQueryStore store, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var counts = await store.CountFlowsByStateAsync(null, stoppingToken).ConfigureAwait(false);
                FlowMachineDiagnostics.SampleQueueDepth(counts.GetValueOrDefault(FlowState.Pending) + counts.GetValueOrDefault(FlowState.Running));
                var now = time.GetUtcNow();
                var oldest = await store.GetOldestDueAsync(now, stoppingToken).ConfigureAwait(false);
                FlowMachineDiagnostics.SampleOldestDue(now - oldest);
                await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
