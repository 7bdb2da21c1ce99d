using FlowMachine.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Hosting;

/// <summary>Runs the <see cref="RetentionSweeper"/> in the host (unless retention is turned off) and logs what each sweep deleted.</summary>
internal sealed class RetentionSweeperService(RetentionSweeper sweeper, ILogger<RetentionSweeperService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        sweeper.Policy.Enabled
            ? sweeper.RunAsync(error => LogMessages.SweepFailed(logger, error), stoppingToken)
            : Task.CompletedTask;
}
