using System.Diagnostics;
using FlowMachine.Retention;
using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>
/// The sweeper catching up (retention-pg-catchup COUNT INTERVAL [INTERVALS]): one paced sweep over COUNT old flows with
/// <see cref="RetentionPolicy.Interval"/> set to INTERVAL seconds, so the sweep falls behind after the first interval
/// and its duty cycle doubles for every further one (0.1, 0.2, 0.4, 0.8, 1). W10 runs back to back beside it; for
/// each interval the bench prints the duty cycle, the flows deleted per second and W10's median against W10 alone
/// before the sweep.
/// </summary>
internal static class CatchUpBench
{
    public static async Task RunAsync(BatchRunner runner, long oldest, int count, TimeSpan interval, int intervals)
    {
        var alone = new List<double>();
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(5))
        {
            await runner.RunAsync(Specs.Linear(10), 500);
        }

        var aloneClock = Stopwatch.StartNew();
        while (aloneClock.Elapsed < TimeSpan.FromSeconds(15) || alone.Count < 5)
        {
            alone.Add((await runner.RunAsync(Specs.Linear(10), 500)).TotalSeconds);
        }

        var baseline = 5000 / RetentionBench.Median(alone);
        Console.WriteLine($"W10 alone: median {baseline:N0} steps/s ({alone.Count} runs; load {RetentionBench.Load()})");
        var counting = new CountingRetentionStore((IFlowRetentionStore)runner.Store);
        var policy = new RetentionPolicy { Interval = interval };
        var sweeper = new RetentionSweeper(counting, policy, TimeProvider.System);
        var filter = new FlowRetentionFilter { States = [FlowState.Completed], FinishedBefore = DateTimeOffset.FromUnixTimeMilliseconds(oldest + count) };
        using var stop = new CancellationTokenSource(interval * intervals);
        var sweepClock = Stopwatch.StartNew();
        var sweep = RetentionBench.SweepUntilStoppedAsync(sweeper, filter, stop.Token);
        var during = new List<double>[intervals];
        var deletedBy = new long[intervals + 1];
        var mark = 0;
        while (!sweep.IsCompleted)
        {
            var took = (await runner.RunAsync(Specs.Linear(10), 500)).TotalSeconds;
            var index = Math.Min(intervals - 1, (int)(sweepClock.Elapsed / interval));
            (during[index] ??= []).Add(took);
            while (mark < index)
            {
                deletedBy[++mark] = counting.Deleted;
            }
        }

        await sweep;
        while (mark < intervals)
        {
            deletedBy[++mark] = counting.Deleted;
        }

        for (var i = 0; i < intervals; i++)
        {
            var flows = deletedBy[i + 1] - deletedBy[i];
            var runs = during[i];
            var w10 = runs is { Count: > 0 } ? 5000 / RetentionBench.Median(runs) : 0;
            Console.WriteLine($"  interval {i + 1}: duty cycle {policy.DutyCycleAfter(interval * i):0.0#}, deleted {flows / interval.TotalSeconds:N0} flows/s; " +
                $"W10 median {w10:N0} steps/s ({runs?.Count ?? 0} runs), {(1 - (w10 / baseline)) * 100:0.0} % slower than alone");
        }

        var (batchMedian, batchMax) = counting.TakeBatchTimes();
        Console.WriteLine($"sweep: deleted {counting.Deleted:N0} flows in {sweepClock.Elapsed.TotalSeconds:0.0} s, batches {batchMedian:N0} ms median, {batchMax:N0} ms max; load {RetentionBench.Load()}");
    }
}
