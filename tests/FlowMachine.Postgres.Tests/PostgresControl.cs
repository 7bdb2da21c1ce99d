using System.Diagnostics;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>Stops and starts the test server started by .ci/setup-postgres.sh with pg_ctl (as the postgres user when run as root).</summary>
internal static class PostgresControl
{
    private static string Data => Environment.GetEnvironmentVariable("FLOWMACHINE_TEST_PG_DATA") ?? throw new InvalidOperationException("FLOWMACHINE_TEST_PG_DATA is not set");

    private static string PgCtl => Path.Combine(
        Environment.GetEnvironmentVariable("FLOWMACHINE_TEST_PG_BIN") ?? throw new InvalidOperationException("FLOWMACHINE_TEST_PG_BIN is not set"), "pg_ctl");

    /// <summary><c>pg_ctl stop -m fast</c>: open connections are cut, as in a failover or an operator's restart.</summary>
    public static Task StopAsync() => RunAsync("stop", "-m", "fast", "-w", "-t", "60", "-D", Data);

    /// <summary>
    /// <c>pg_ctl start -w</c> with the port, socket folder and settings setup-postgres.sh used (a plain start
    /// does not reuse them the way restart does).
    /// </summary>
    public static Task StartAsync()
    {
        var port = new NpgsqlConnectionStringBuilder(PostgresServer.Require()).Port;
        var folder = Path.GetDirectoryName(Data)!;
        var settings = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300";

        // -l: the server must not hold our output pipes open.
        return RunAsync("start", "-w", "-t", "60", "-D", Data, "-l", Path.Combine(folder, "server.log"), "-o", settings);
    }

    private static async Task RunAsync(params string[] args)
    {
        // The server refuses to run as root: then run pg_ctl as the postgres user.
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asRoot ? "runuser" : PgCtl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", PgCtl })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl {args[0]} failed: {await stdout} {await stderr}");
    }
}
