using FlowMachine.Hosting;
using FlowMachine.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: FlowMachine.TestHost DB_PATH CONCURRENCY LEASE_SECONDS
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: FlowMachine.TestHost DB_PATH CONCURRENCY LEASE_SECONDS");
    return 1;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddFlowMachine(o =>
{
    o.Concurrency = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    o.LeaseDuration = TimeSpan.FromSeconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    o.PollInterval = TimeSpan.FromMilliseconds(50);
}).UseSqlite(args[0]).AddTask<RecordTask>();
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("worker ready");
await host.WaitForShutdownAsync();
return 0;
