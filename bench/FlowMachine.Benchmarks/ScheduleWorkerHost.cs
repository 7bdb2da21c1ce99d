using FlowMachine.Postgres;
using FlowMachine.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Benchmarks;

/// <summary>
/// The worker process of the schedules benchmark: a host composed with <c>AddFlowMachine()</c>, whose hosted
/// worker claims flows and fires schedules, as an application's worker does. With <c>--fire-only</c> it fires
/// schedules and runs no flow, so that the CPU spent on firing alone can be told apart.
/// </summary>
internal static class ScheduleWorkerHost
{
    public const string Mode = "schedule-worker";

    /// <summary>schedule-worker DB [--fire-only] [--profile]</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var fireOnly = args.Contains("--fire-only");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var flowMachine = builder.Services.AddFlowMachine(o =>
        {
            o.Concurrency = 32;
            o.RunWorker = !fireOnly;
        });
        var postgres = PostgresStoreOptions.IsPostgres(args[0]);
        _ = postgres ? flowMachine.UsePostgres(args[0]) : flowMachine.UseSqlite(args[0]);
        if (args.Contains("--profile"))
        {
            // The same store, its schedule claims and firings timed (TimedStore).
            flowMachine.UseStore(_ => TimedStore.Wrap(postgres
                ? new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = args[0] })
                : new Sqlite.SqliteFlowStore(new Sqlite.SqliteStoreOptions { Path = args[0] })));
        }

        if (fireOnly)
        {
            builder.Services.AddHostedService<FiringOnly>();
        }

        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("worker ready");
        await host.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The schedule runner alone, as the worker service runs it beside the flow worker.</summary>
    private sealed class FiringOnly(ScheduleRunner runner) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => runner.RunAsync(stoppingToken);
    }
}
