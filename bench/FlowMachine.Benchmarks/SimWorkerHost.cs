using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Postgres;
using FlowMachine.Registry;

namespace FlowMachine.Benchmarks;

/// <summary>
/// A process of the capacity simulation (<c>pgsim</c>): ENGINES logical workers, each an engine with its own
/// PostgreSQL store (its own connection pool, notification listener and group commit), lease owner and flow
/// worker, as that many worker machines would be. A line <c>stats</c> on standard input answers with
/// <c>profile stats …</c>: the claims, flows claimed, empty and short claims, empty claims that left due work,
/// next-due reads and wake-ups of all its engines so far.
/// </summary>
internal static class SimWorkerHost
{
    public const string Mode = "pgsim-host";

    /// <summary>pgsim-host DB ENGINES CONCURRENCY</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (database, engines, concurrency) = (args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        var counts = new ClaimCounts();
        using var stop = new CancellationTokenSource();
        var stores = new List<PostgresFlowStore>();
        var running = new List<(FlowEngine Engine, Task Worker)>();
        for (var i = 0; i < engines; i++)
        {
            var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = database });
            await store.InitializeAsync(default);
            stores.Add(store);
            var engine = new FlowEngine(CountingStore.Wrap(store, counts), new TaskRegistry().AddBuiltIns());
            var worker = new FlowWorker(engine, new FlowWorkerOptions { Concurrency = concurrency });
            running.Add((engine, Task.Run(() => worker.RunAsync(stop.Token))));
        }

        Console.WriteLine("worker ready");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "stats")
            {
                Console.WriteLine("profile stats " + string.Join(' ', counts.Read()));
            }
        }

        await stop.CancelAsync();
        foreach (var (engine, worker) in running)
        {
            await worker;
            await engine.DisposeAsync();
        }

        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        return 0;
    }
}
