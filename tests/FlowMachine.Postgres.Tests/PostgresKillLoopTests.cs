using System.Diagnostics;
using System.Text;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>The kill loop on PostgreSQL: a worker process SIGKILLed at random moments, again and again, while thousands of flows run.</summary>
public sealed class PostgresKillLoopTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Flows = 5000;
    private const int Steps = 2;
    private const int Kills = 20;
    private const int Concurrency = 8;

    [PostgresFact]
    public async Task Twenty_kills_during_five_thousand_flows_lose_nothing_and_rerun_only_steps_in_flight()
    {
        var clock = Stopwatch.StartNew();
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);

        // Flows are started while the first workers run, so that kills also land while flows are being created.
        var starting = run.StartFlowsAsync(Flows, MultiProcessRun.Spec(Steps));
        var random = new Random(20261124);
        var atKills = new List<long>();
        long executed = 0;

        for (var kill = 0; kill < Kills; kill++)
        {
            // A lease of 1 s: the next incarnation takes over the dead one's flows a second later.
            using var worker = new WorkerProcess("k" + kill, db.ConnectionString, Concurrency, leaseSeconds: 1);
            await worker.ReadyAsync();

            // A random moment while the worker is busy: after it ran a random number of steps, then a random pause.
            var goal = executed + random.Next(100, 400);
            await MultiProcessRun.WaitUntilAsync(async () => await run.ExecutionsAsync() >= goal, $"worker k{kill} to run {goal - executed} steps");
            await Task.Delay(random.Next(0, 100));
            await worker.KillAsync();
            executed = await run.ExecutionsAsync();
            atKills.Add(executed);
        }

        var ids = await starting;
        var started = clock.Elapsed;
        var completedAtLastKill = await run.CountAsync(FlowState.Completed);
        using (var final = new WorkerProcess("last", db.ConnectionString, Concurrency, leaseSeconds: 1))
        {
            await final.ReadyAsync();
            await run.WaitForAllCompletedAsync(Flows, TimeSpan.FromSeconds(600)); // what the kills left, by one worker: minutes on a loaded machine
        }

        // Work must have been left after the last kill, or the later kills hit an idle worker.
        Assert.True(completedAtLastKill < Flows, "every flow completed before the last kill: make the steps slower");

        var runs = await run.ReadExecutionsAsync();
        var steps = await ReadStepsAsync(run.Store, ids);
        var rerun = 0;
        var executions = 0;
        var histogram = new SortedDictionary<int, int>();
        foreach (var step in steps)
        {
            // No completed step lost: every step completed, with the last attempt's result.
            Assert.True(step.Record.State == StepState.Completed, $"{step.Flow}/{step.Record.Key} is {step.Record.State}");
            Assert.True(runs.TryGetValue((step.Flow, step.Record.Key), out var list), $"{step.Flow}/{step.Record.Key} never ran");
            executions += list.Count;
            var attempts = list.Select(x => x.Attempt).ToList();
            Assert.Equal(attempts.Count, attempts.Distinct().Count()); // no attempt ran twice
            Assert.Equal(step.Record.Attempts, attempts.Max());
            Assert.Equal(step.Record.Attempts, (int)step.Record.Result!);
            histogram[list.Count] = histogram.GetValueOrDefault(list.Count) + 1;
            if (list.Count > 1)
            {
                rerun++;

                // Re-runs only for steps in flight: every attempt but the last ran in an incarnation that was killed.
                var last = list.MaxBy(x => x.Attempt);
                Assert.All(list.Where(x => x != last), x => Assert.StartsWith("k", x.Worker, StringComparison.Ordinal));
            }
        }

        Assert.Equal(Flows * Steps, steps.Count);

        // A completed step never runs again: re-runs are bounded by what can be in flight at each kill.
        Assert.InRange(rerun, 1, Kills * Concurrency);
        output.WriteLine($"{Flows} flows x {Steps} steps, all started after {started.TotalSeconds:F1} s; {Kills} SIGKILLs of a worker (concurrency {Concurrency}, lease 1 s)");
        output.WriteLine($"executions at each kill: {string.Join(", ", atKills)}; {completedAtLastKill} flows completed at the last kill");
        output.WriteLine($"{executions} executions for {Flows * Steps} steps; {rerun} steps re-ran after a kill; runs per step: " +
            string.Join(", ", histogram.Select(h => $"{h.Key}x={h.Value}")) + $"; {clock.Elapsed.TotalSeconds:F1} s in all");
    }

    private static async Task<List<(string Flow, StepRecord Record)>> ReadStepsAsync(PostgresFlowStore store, List<string> ids)
    {
        var all = new System.Collections.Concurrent.ConcurrentBag<(string, StepRecord)>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                foreach (var step in await store.GetStepsAsync(ids[i], default))
                {
                    all.Add((ids[i], step));
                }
            }
        })));
        return [.. all];
    }
}
