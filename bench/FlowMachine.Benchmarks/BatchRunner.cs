using System.Diagnostics;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>An engine and worker on a store the caller opened (an existing file): starts flows at once and waits until all completed.</summary>
internal sealed class BatchRunner : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly FlowEngine engine;
    private Task worker = Task.CompletedTask;
    private int remaining;
    private TaskCompletionSource allDone = new();

    private BatchRunner(IFlowStore store)
    {
        Store = store;
        engine = new FlowEngine(store, new TaskRegistry().AddBuiltIns());
        engine.Committed += t =>
        {
            if (t.Flow.State == FlowState.Completed && t.History.Any(h => h.Kind == HistoryKinds.FlowCompleted) && Interlocked.Decrement(ref remaining) == 0)
            {
                allDone.TrySetResult();
            }
        };
    }

    public IFlowStore Store { get; }

    public static Task<BatchRunner> OpenAsync(IFlowStore store, int concurrency)
    {
        var runner = new BatchRunner(store);
        var loop = new FlowWorker(runner.engine, new FlowWorkerOptions { Concurrency = concurrency, PollInterval = TimeSpan.FromMilliseconds(200) });
        runner.worker = Task.Run(() => loop.RunAsync(runner.stop.Token));
        return Task.FromResult(runner);
    }

    /// <summary>Starts <paramref name="flows"/> flows of <paramref name="spec"/> at once; returns the time until all completed.</summary>
    public async Task<TimeSpan> RunAsync(string spec, int flows)
    {
        allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref remaining, flows);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, flows).Select(_ => engine.StartAsync(new StartFlowRequest { SpecText = spec })));
        await allDone.Task.WaitAsync(TimeSpan.FromMinutes(10));
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await worker;
        await engine.DisposeAsync();
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        stop.Dispose();
    }
}
