using System.Diagnostics;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>PostgreSQL stopped for 30 s under running workers: they wait, retry, and every flow completes.</summary>
public sealed class DatabaseOutageTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Flows = 400;
    private const int Steps = 5;
    private const int Workers = 2;
    private const int Concurrency = 8;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task Workers_wait_out_a_thirty_second_outage_and_nothing_is_lost_or_run_twice()
    {
        // The store retries transient errors for PostgresStoreOptions.RetryFor (60 s by default): that must outlast the outage and the start.
        Assert.True(new PostgresStoreOptions { ConnectionString = "Host=x" }.RetryFor >= Outage + TimeSpan.FromSeconds(20));

        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        var workers = Enumerable.Range(0, Workers).Select(i => new WorkerProcess("w" + i, db.ConnectionString, Concurrency, leaseSeconds: 2)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.ReadyAsync()));
            await run.StartFlowsAsync(Flows, MultiProcessRun.Spec(Steps, ms: 20));
            await MultiProcessRun.WaitUntilAsync(async () => await run.ExecutionsAsync() >= Flows * Steps / 4, "a quarter of the steps to run");

            var before = await run.ExecutionsAsync();
            Assert.True(before < Flows * Steps / 2, "too much ran before the stop: make the steps slower");
            var clock = Stopwatch.StartNew();
            await PostgresControl.StopAsync();
            var stopped = clock.Elapsed;
            await Task.Delay(Outage);
            await PostgresControl.StartAsync();
            var down = clock.Elapsed;
            Npgsql.NpgsqlConnection.ClearAllPools(); // the test's own idle connections died with the server

            var completedAfter = await run.WaitForAllCompletedAsync(Flows, TimeSpan.FromSeconds(90));
            Assert.All(workers, w => Assert.DoesNotContain(w.Errors, e => e.Contains("Unhandled exception", StringComparison.Ordinal)));

            var runs = await run.ReadExecutionsAsync();
            Assert.Equal(Flows * Steps, runs.Count); // every step ran
            var repeated = runs.Where(r => r.Value.Count > 1).ToList();
            foreach (var (key, list) in repeated)
            {
                // Only steps in flight when the database went away may run again, each with a new attempt number.
                Assert.Equal(list.Count, list.Select(x => x.Attempt).Distinct().Count());
                Assert.True(list.Count == 2, $"{key.Flow}/{key.Step} ran {list.Count} times");
            }

            Assert.InRange(repeated.Count, 0, Workers * Concurrency);
            output.WriteLine($"{Flows} flows x {Steps} steps on {Workers} workers; {before} executions before pg_ctl stop -m fast ({stopped.TotalSeconds:F1} s to stop), " +
                $"database down for {down.TotalSeconds:F1} s in all; every flow completed {completedAfter.TotalSeconds:F1} s after it was back; " +
                $"{repeated.Count} steps re-ran (in flight at the stop); test-side store retried {run.Store.Retries} times");
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }

            // Leave the server running for the next test class whatever happened.
            if (!await IsUpAsync())
            {
                await PostgresControl.StartAsync();
            }
        }
    }

    private static async Task<bool> IsUpAsync()
    {
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(PostgresServer.Require());
            await connection.OpenAsync();
            return true;
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }
}
