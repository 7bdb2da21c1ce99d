using FlowMachine.Engine;
using FlowMachine.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowMachine.Hosting;

/// <summary>The worker as a hosted service: claims and runs flows and fires schedules until the host stops, then shuts down gracefully.</summary>
internal sealed class FlowWorkerService(FlowEngine engine, ScheduleRunner schedules, IOptions<FlowMachineOptions> options, ILogger<FlowWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.RunWorker)
        {
            return;
        }

        var worker = new FlowWorker(engine, new FlowWorkerOptions
        {
            Concurrency = o.Concurrency,
            PollInterval = o.PollInterval,
            ShutdownGrace = o.ShutdownGrace,
        });
        LogMessages.WorkerStarted(logger, engine.Options.WorkerId, o.Concurrency);
        // Schedules fire where flows run: a fired slot wakes this worker at once.
        await Task.WhenAll(worker.RunAsync(stoppingToken), schedules.RunAsync(stoppingToken)).ConfigureAwait(false);
        LogMessages.WorkerStopped(logger, engine.Options.WorkerId);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The worker's own grace period decides how long steps may finish; wait for it.
        using var grace = new CancellationTokenSource(options.Value.ShutdownGrace + TimeSpan.FromSeconds(5));
        await base.StopAsync(grace.Token).ConfigureAwait(false);
    }
}
