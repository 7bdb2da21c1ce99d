using FlowMachine;
using FlowMachine.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: FlowMachine.TestHost DB CONCURRENCY LEASE_SECONDS [POLL_MS]
// DB is a SQLite file path, or a PostgreSQL URL / connection string.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: FlowMachine.TestHost DB CONCURRENCY LEASE_SECONDS [POLL_MS]");
    return 1;
}

var pollMs = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 50;
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
var flowMachineBuilder = builder.Services.AddFlowMachine(o =>
{
    o.Concurrency = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    o.LeaseDuration = TimeSpan.FromSeconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    o.PollInterval = TimeSpan.FromMilliseconds(pollMs);
});
var flowMachine = FlowMachine.Postgres.PostgresStoreOptions.IsPostgres(args[0]) ? flowMachineBuilder.UsePostgres(args[0]) : flowMachineBuilder.UseSqlite(args[0]);
flowMachine.AddTask<RecordTask>().AddTask<RecordRowTask>().AddTask<KillMyWorkerTask>().AddTask<SpanTask>().AddTask<LimitedSpanTask>();
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("worker ready");
await host.WaitForShutdownAsync();
return 0;
