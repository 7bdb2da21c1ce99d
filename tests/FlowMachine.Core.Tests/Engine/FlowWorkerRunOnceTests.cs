using FlowMachine.Engine;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.Engine;

/// <summary>A <see cref="FlowWorker"/> runs once: its slots and the flows handed to it belong to that one run.</summary>
public sealed class FlowWorkerRunOnceTests
{
    [Fact]
    public async Task A_second_run_of_one_worker_is_refused_with_a_clear_error_while_the_first_runs_and_after_it()
    {
        await using var h = new EngineHarness();
        var worker = new FlowWorker(h.Engine, new FlowWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var stop = new CancellationTokenSource();
        var first = worker.RunAsync(stop.Token);

        var during = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.RunAsync(CancellationToken.None));
        Assert.Contains("runs once", during.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.RunAsync(CancellationToken.None));

        // A new worker on the same engine runs.
        using var again = new CancellationTokenSource();
        var second = new FlowWorker(h.Engine).RunAsync(again.Token);
        await again.CancelAsync();
        await second;
    }
}
