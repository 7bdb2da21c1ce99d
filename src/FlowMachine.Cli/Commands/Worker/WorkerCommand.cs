using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;

namespace FlowMachine.Cli.Commands.Worker;

/// <summary><c>flowmachine worker</c>: runs flows from the database until Ctrl+C or SIGTERM.</summary>
internal static class WorkerCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var concurrency = new Option<int?>("--concurrency") { Description = "How many flows run at once (default: 4 × cores, at least 4).", HelpName = "N" };
        var queue = QueueOption.Create();
        var command = new Command("worker", "Run flows and fire due schedules from the database until stopped (Ctrl+C or SIGTERM stop it gracefully).") { concurrency, queue };
        command.SetAction(async (parse, ct) =>
        {
            var settings = global.Read(parse) with { Queues = QueueOption.Read(parse, queue), Telemetry = true };
            var options = new FlowWorkerOptions();
            if (parse.GetValue(concurrency) is { } n)
            {
                options.Concurrency = n;
            }

            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message, ex);
            }

            var host = await CliHost.OpenAsync(settings, new WriterTaskLog(io.Out), ct).ConfigureAwait(false);
            await using var hostScope = host.ConfigureAwait(false);
            using var lines = new FinishedFlowLines(host.Changes, io.Out);
            await io.Err.WriteLineAsync($"worker {host.WorkerId} on {StoreChoice.Describe(settings.DbPath)} (concurrency {options.Concurrency}, queues {QueueOption.Describe(settings.Queues)}); Ctrl+C stops it").ConfigureAwait(false);

            // FlowWorker treats the token as "stop claiming, finish what runs": a clean stop, not an error.
            // Schedules fire where flows run, as in serve: a fired slot wakes this worker at once.
            // Retention sweeps here too, as in serve (the store keeps two sweepers off each other's flows).
            var sweep = host.Sweeper.Policy.Enabled
                ? host.Sweeper.RunAsync(error => io.Err.WriteLine($"warning: the retention sweep failed: {error.Message}"), ct)
                : Task.CompletedTask;
            await Task.WhenAll(host.Worker(options).RunAsync(ct), host.ScheduleRunner.RunAsync(ct), sweep).ConfigureAwait(false);
            await io.Err.WriteLineAsync("worker stopped").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
