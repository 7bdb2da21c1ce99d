using System.Diagnostics;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>PostgreSQL restarted under running workers: they reconnect and every flow completes.</summary>
public sealed class ServerRestartTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Flows = 300;
    private const int Steps = 5;

    [PostgresFact]
    public async Task Workers_ride_out_a_server_restart_and_every_flow_completes()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        var workers = Enumerable.Range(0, 2).Select(i => new WorkerProcess("w" + i, db.ConnectionString, concurrency: 8, leaseSeconds: 2)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.ReadyAsync()));
            await run.StartFlowsAsync(Flows, MultiProcessRun.Spec(Steps, ms: 5));
            await MultiProcessRun.WaitUntilAsync(async () => await run.ExecutionsAsync() >= Flows * Steps / 4, "a quarter of the steps to run");

            var clock = Stopwatch.StartNew();
            await RestartServerAsync();
            output.WriteLine($"pg_ctl restart -m fast took {clock.Elapsed.TotalSeconds:F1} s");

            await run.WaitForAllCompletedAsync(Flows, TimeSpan.FromSeconds(120));
            output.WriteLine($"all {Flows} flows completed {clock.Elapsed.TotalSeconds:F1} s after the restart began; test-side store retried {run.Store.Retries} times");
            Assert.All(workers, w => Assert.DoesNotContain(w.Errors, e => e.Contains("Unhandled exception", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }
    }

    private static async Task RestartServerAsync()
    {
        var data = Environment.GetEnvironmentVariable("FLOWMACHINE_TEST_PG_DATA") ?? throw new InvalidOperationException("FLOWMACHINE_TEST_PG_DATA is not set");
        var bin = Environment.GetEnvironmentVariable("FLOWMACHINE_TEST_PG_BIN") ?? throw new InvalidOperationException("FLOWMACHINE_TEST_PG_BIN is not set");
        var pgCtl = Path.Combine(bin, "pg_ctl");

        // The server refuses to run as root: then run pg_ctl as the postgres user.
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asRoot ? "runuser" : pgCtl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", pgCtl })
            {
                info.ArgumentList.Add(a);
            }
        }

        // -l: the new server must not hold our output pipes open.
        foreach (var a in new[] { "restart", "-m", "fast", "-w", "-t", "60", "-D", data, "-l", Path.Combine(Path.GetDirectoryName(data)!, "server.log") })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl restart failed: {await stdout} {await stderr}");
    }
}
