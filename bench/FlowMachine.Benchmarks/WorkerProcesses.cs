using System.Diagnostics;
using System.Globalization;

namespace FlowMachine.Benchmarks;

/// <summary>`flowmachine worker` processes on one database, started and stopped together.</summary>
internal sealed class WorkerProcesses : IAsyncDisposable
{
    private readonly List<Process> processes = [];

    public static async Task<WorkerProcesses> StartAsync(string database, int count, int concurrency)
    {
        var workers = new WorkerProcesses();
        var ready = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"));
            foreach (var arg in new[] { "worker", "--db", database, "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--no-examples" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start a worker process");
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("Ctrl+C stops it", StringComparison.Ordinal) == true)
                {
                    up.TrySetResult();
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            workers.processes.Add(process);
            ready.Add(up.Task);
        }

        await Task.WhenAll(ready).WaitAsync(TimeSpan.FromSeconds(60));
        return workers;
    }

    public long PeakWorkingSetMb()
    {
        long peak = 0;
        foreach (var p in processes)
        {
            try
            {
                p.Refresh();
                peak = Math.Max(peak, p.PeakWorkingSet64);
            }
            catch (InvalidOperationException)
            {
            }
        }

        return peak / 1024 / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in processes)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            await p.WaitForExitAsync();
            p.Dispose();
        }
    }
}
