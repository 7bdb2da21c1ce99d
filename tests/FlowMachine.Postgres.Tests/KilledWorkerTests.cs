using System.Diagnostics;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// One of four worker processes killed with SIGKILL mid-run. Only the killed worker's steps may rerun, so the others
/// must not lose a lease to a late heartbeat on a loaded machine: leases of <see cref="WorkerProcess.SteadyLeaseSeconds"/>
/// (the killed worker's flows are taken over once its leases run out).
/// </summary>
public sealed class KilledWorkerTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Flows = 2000;
    private const int Steps = 10;
    private const int Concurrency = 8;

    [PostgresFact]
    public async Task A_worker_killed_mid_run_loses_nothing_and_only_its_in_flight_steps_rerun_with_attempt_2()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        var workers = Enumerable.Range(0, 4).Select(i => new WorkerProcess("w" + i, db.ConnectionString, Concurrency, WorkerProcess.SteadyLeaseSeconds)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.ReadyAsync()));
            var clock = Stopwatch.StartNew();
            await run.StartFlowsAsync(Flows, MultiProcessRun.Spec(Steps));

            // Kill the first worker once a good share of the work has run.
            await MultiProcessRun.WaitUntilAsync(async () => await run.ExecutionsAsync() >= Flows * Steps / 3, "a third of the steps to run", 600);
            await workers[0].KillAsync();
            var killedAt = await run.ExecutionsAsync();

            await run.WaitForAllCompletedAsync(Flows, TimeSpan.FromSeconds(600));
            output.WriteLine($"killed w0 after {killedAt} executions; all {Flows} flows completed in {clock.Elapsed.TotalSeconds:F1} s");

            var runs = await run.ReadExecutionsAsync();
            Assert.Equal(Flows * Steps, runs.Count);
            var repeated = runs.Where(r => r.Value.Count > 1).ToList();
            foreach (var (key, list) in repeated)
            {
                // A repeat is a step that was in flight in the killed worker: attempt 1 there, attempt 2 elsewhere.
                var ordered = list.OrderBy(x => x.Attempt).ToList();
                Assert.True(ordered.Count == 2, $"{key.Flow}/{key.Step} ran {ordered.Count} times");
                Assert.Equal((1, "w0"), ordered[0]);
                Assert.Equal(2, ordered[1].Attempt);
                Assert.NotEqual("w0", ordered[1].Worker);
            }

            Assert.All(runs.Where(r => r.Value.Count == 1), r => Assert.True(r.Value[0].Attempt == 1 || r.Value[0].Attempt == 2));
            output.WriteLine($"{repeated.Count} steps re-ran (attempt 2) after the kill");
            Assert.InRange(repeated.Count, 0, Concurrency);
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }
    }
}
