using System.Diagnostics;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// Four worker processes on one database: every flow completes and every step runs exactly once. No worker dies, so
/// a rerun could only come from a lease lost to a late heartbeat: the leases are long enough that a loaded machine
/// does not lose them (<see cref="WorkerProcess.SteadyLeaseSeconds"/>), and the run may take minutes there.
/// </summary>
public sealed class FourWorkerProcessTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Flows = 2000;
    private const int Steps = 10;

    [PostgresFact]
    public async Task Four_processes_run_2000_flows_of_10_steps_each_step_exactly_once()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        var workers = Enumerable.Range(0, 4).Select(i => new WorkerProcess("w" + i, db.ConnectionString, concurrency: 8, WorkerProcess.SteadyLeaseSeconds)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.ReadyAsync()));
            var clock = Stopwatch.StartNew();
            var ids = await run.StartFlowsAsync(Flows, MultiProcessRun.Spec(Steps));
            var started = clock.Elapsed;
            await run.WaitForAllCompletedAsync(Flows, TimeSpan.FromSeconds(600));
            var elapsed = clock.Elapsed;
            output.WriteLine($"4 processes x concurrency 8: {Flows} flows x {Steps} steps in {elapsed.TotalSeconds:F1} s " +
                $"(starting took {started.TotalSeconds:F1} s): {Flows * Steps / elapsed.TotalSeconds:F0} steps/s, {Flows / elapsed.TotalSeconds:F0} flows/s");

            var runs = await run.ReadExecutionsAsync();
            Assert.Equal(Flows * Steps, runs.Count);
            var twice = runs.Where(r => r.Value.Count != 1).Select(r => $"{r.Key.Flow}/{r.Key.Step}: {string.Join(",", r.Value)}").ToList();
            Assert.True(twice.Count == 0, "steps executed more than once: " + string.Join("; ", twice.Take(10)));
            Assert.All(runs.Values, r => Assert.Equal(1, r[0].Attempt));
            Assert.Equal(Flows, ids.Distinct().Count());

            // Every worker took part.
            var byWorker = runs.Values.GroupBy(r => r[0].Worker).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine("steps per worker: " + string.Join(", ", byWorker.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
            Assert.Equal(4, byWorker.Count);
            output.WriteLine($"test-side store: {run.Store.Retries} retries");
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }

        Assert.Equal(Flows, await run.CountAsync(FlowState.Completed));
    }
}
