using System.Diagnostics;
using System.Globalization;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Hosting.Tests;

/// <summary>A worker SIGKILLed at random moments, again and again, while thousands of flows run.</summary>
public sealed class KillLoopTests(ITestOutputHelper output) : IDisposable
{
    private const int Flows = 5000;
    private const int StepsPerFlow = 3;
    private const int Kills = 20;
    private const int Concurrency = 8;
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Twenty_kills_during_five_thousand_flows_lose_nothing_and_rerun_only_steps_in_flight()
    {
        var db = temp.File("flows.db");
        var record = temp.File("executions.log");
        File.WriteAllText(record, "");
        var clock = Stopwatch.StartNew();
        var ids = await RecordingWorkers.StartFlowsAsync(db, Flows, StepsPerFlow, ms: 2);
        var random = new Random(20261123);

        for (var kill = 0; kill < Kills; kill++)
        {
            var before = new FileInfo(record).Length;
            using var worker = RecordingWorkers.Start(db, record, Concurrency, leaseSeconds: 1);

            // Kill it while it works: on a loaded machine a worker may take longer to start than the random delay.
            var started = Stopwatch.StartNew();
            while (new FileInfo(record).Length == before && started.Elapsed < TimeSpan.FromSeconds(60) && !worker.HasExited)
            {
                await Task.Delay(20);
            }

            await Task.Delay(random.Next(200, 700));
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }

        var killedAt = File.ReadAllLines(record).Length;
        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = db });
        await store.InitializeAsync(default);
        using (var last = RecordingWorkers.Start(db, record, Concurrency, leaseSeconds: 1))
        {
            try
            {
                var deadline = DateTime.UtcNow.AddMinutes(4);
                while ((await store.CountFlowsByStateAsync(null, default))[FlowState.Completed] < Flows)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the flows did not all complete within 4 minutes after the last kill");
                    await Task.Delay(100);
                }
            }
            finally
            {
                last.Kill(entireProcessTree: true);
                await last.WaitForExitAsync();
            }
        }

        var runs = RecordingWorkers.Read(record);
        var rerun = 0;
        var executions = 0;
        foreach (var id in ids)
        {
            var steps = await store.GetStepsAsync(id, default);
            foreach (var step in steps)
            {
                Assert.Equal(StepState.Completed, step.State);
                var attempts = runs.TryGetValue((id, step.Key), out var list) ? list : [];
                executions += attempts.Count;
                Assert.Equal(attempts.Count, attempts.Distinct().Count()); // no attempt ran twice
                Assert.Equal(step.Attempts, attempts.Max()); // the stored result is the last attempt's
                Assert.InRange(step.Attempts, 1, Kills + 1);
                if (step.Attempts > 1)
                {
                    rerun++;
                }
            }
        }

        // A completed step is never run again: re-runs are bounded by what can be in flight at each kill.
        Assert.InRange(rerun, 1, Kills * Concurrency);
        output.WriteLine($"{Flows} flows x {StepsPerFlow} steps, {Kills} SIGKILLs: {executions} executions for {Flows * StepsPerFlow} steps, " +
            $"{rerun} steps re-run after a kill, {killedAt} executions before the last worker, {clock.Elapsed.TotalSeconds:0.0} s in all");
    }
}
