using System.Diagnostics;
using FlowMachine.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>LISTEN/NOTIFY wakes a worker in another process long before its poll interval.</summary>
public sealed class NotifyTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task A_flow_started_elsewhere_is_picked_up_within_2_s_by_a_worker_polling_every_30_s()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        using var worker = new WorkerProcess("w0", db.ConnectionString, concurrency: 4, leaseSeconds: 5, pollMs: 30_000);
        await worker.ReadyAsync();

        // Wait until the worker listens.
        await MultiProcessRun.WaitUntilAsync(ListeningAsync, "the worker to LISTEN");

        // A first flow, not timed: the first start in this process and the first run of the step in the worker's
        // (JIT, the recording task's connection and table) take seconds on a loaded machine, and are not the wake-up.
        var first = Stopwatch.StartNew();
        var warm = (await run.StartFlowsAsync(1, MultiProcessRun.Spec(1, ms: 0)))[0];
        await MultiProcessRun.WaitUntilAsync(async () => (await run.Store.GetFlowAsync(warm, default))!.State == FlowState.Completed, "the first flow to complete", 120);
        output.WriteLine($"first flow started and completed in {first.Elapsed.TotalMilliseconds:F0} ms (not timed)");

        // Then let the worker settle into its 30 s sleep.
        await Task.Delay(1000);
        for (var round = 0; round < 3; round++)
        {
            // Timed from the start's return: the flow is stored and the notification sent; the rest is the worker's.
            var id = (await run.StartFlowsAsync(1, MultiProcessRun.Spec(1, ms: 0)))[0];
            var clock = Stopwatch.StartNew();
            while ((await run.Store.GetFlowAsync(id, default))!.State != FlowState.Completed)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"round {round}: the flow was not picked up within 2 s");
                await Task.Delay(20);
            }

            output.WriteLine($"round {round}: completed by the other process {clock.Elapsed.TotalMilliseconds:F0} ms after its start returned");
            await Task.Delay(500);
        }
    }

    private async Task<bool> ListeningAsync()
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()", connection);
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }
}
