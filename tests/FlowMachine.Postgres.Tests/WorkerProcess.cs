using System.Diagnostics;
using System.Globalization;

namespace FlowMachine.Postgres.Tests;

/// <summary>A FlowMachine.TestHost worker process on a PostgreSQL database.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkerProcess(string name, string connectionString, int concurrency, double leaseSeconds, int pollMs = 50, string? spans = null)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FlowMachine.TestHost.dll"));
        info.ArgumentList.Add(connectionString);
        info.ArgumentList.Add(concurrency.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(leaseSeconds.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(pollMs.ToString(CultureInfo.InvariantCulture));
        info.Environment["FLOWMACHINE_RECORD_PG"] = connectionString;
        info.Environment["FLOWMACHINE_WORKER_NAME"] = name;
        if (spans is not null)
        {
            info.Environment["FLOWMACHINE_SPANS"] = spans;
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker process");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "worker ready")
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Errors.Add(e.Data);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"worker {name} exited early: {string.Join('\n', Errors)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// A lease that a late heartbeat on a loaded machine does not lose: renewed every third of it, it runs out only
    /// when a process stalls for two thirds of it (about 7 s). Tests that count reruns use it where no worker dies,
    /// or where a longer wait for a dead worker's flows costs only time.
    /// </summary>
    public const double SteadyLeaseSeconds = 10;

    public string Name { get; }

    public System.Collections.Concurrent.ConcurrentBag<string> Errors { get; } = [];

    /// <summary>Until the host says it is ready: start-up and JIT on a loaded machine may take a minute or more.</summary>
    public Task ReadyAsync() => ready.Task.WaitAsync(TimeSpan.FromSeconds(180));

    /// <summary>SIGKILL on Linux: no cleanup, no release of leases.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
