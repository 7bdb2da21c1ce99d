using FlowMachine.Sqlite;
using FlowMachine.Storage;

namespace FlowMachine.Hosting.Tests;

/// <summary>A worker process killed with SIGKILL in the middle of many flows.</summary>
public sealed class CrashTests : IDisposable
{
    private const int Flows = 100;
    private const int StepsPerFlow = 5;
    private const int Concurrency = 8;
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_worker_killed_mid_run_loses_nothing_and_only_interrupted_steps_rerun_with_attempt_2()
    {
        var db = temp.File("flows.db");
        var record = temp.File("executions.log");
        File.WriteAllText(record, "");
        // Steps sleep 200 ms and commit in about 1: at any moment most of them are in flight. Under load the
        // writer commits the flows' steps together, so they start and sleep in step with each other; the sleep
        // must outlast the delay between the 60th line and the kill (a poll, then the kill, on a busy machine:
        // with 50 ms a kill once found every step done sleeping and waiting for its commit).
        var ids = await RecordingWorkers.StartFlowsAsync(db, Flows, StepsPerFlow, ms: 200);

        // First worker: killed with SIGKILL while steps are in flight.
        using (var first = RecordingWorkers.Start(db, record, Concurrency, leaseSeconds: 2))
        {
            await WaitUntilAsync(() => File.ReadAllLines(record).Length >= 60, "the first worker to record 60 executions");
            first.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup, no release
            await first.WaitForExitAsync();
        }

        var beforeRestart = File.ReadAllLines(record).Length;
        Assert.InRange(beforeRestart, 60, Flows * StepsPerFlow - 1);

        // Second worker on the same file finishes everything once the dead worker's leases expire.
        await using (var store = new SqliteFlowStore(new SqliteStoreOptions { Path = db }))
        {
            using var second = RecordingWorkers.Start(db, record, Concurrency, leaseSeconds: 2);
            try
            {
                await store.InitializeAsync(default);
                await WaitUntilAsync(async () => (await store.CountFlowsByStateAsync(null, default))[FlowState.Completed] == Flows, "every flow to complete", 90);
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }

            var runs = RecordingWorkers.Read(record);

            var rerun = 0;
            foreach (var id in ids)
            {
                foreach (var step in await store.GetStepsAsync(id, default))
                {
                    Assert.Equal(StepState.Completed, step.State);
                    var attempts = runs.TryGetValue((id, step.Key), out var list) ? list : [];

                    // Never two executions of one attempt; the stored attempt is the last one that ran.
                    Assert.Equal(attempts.Count, attempts.Distinct().Count());
                    Assert.Equal(step.Attempts, attempts.Max());
                    Assert.Equal(step.Attempts, step.Result!.GetValue<int>());
                    if (step.Attempts > 1)
                    {
                        Assert.Equal(2, step.Attempts);
                        rerun++;
                    }
                }
            }

            // Only the steps that were in flight in the killed worker ran again, each with attempt 2.
            Assert.InRange(rerun, 1, Concurrency);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 60) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, seconds);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what} after {seconds} s");
            }

            await Task.Delay(20);
        }
    }
}
