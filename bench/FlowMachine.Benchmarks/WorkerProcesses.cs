using System.Diagnostics;
using System.Globalization;

namespace FlowMachine.Benchmarks;

/// <summary>`flowmachine worker` processes on one database, started and stopped together.</summary>
internal sealed class WorkerProcesses : IAsyncDisposable
{
    private readonly List<Process> processes = [];

    /// <summary>Worker processes; <paramref name="queueOf"/> gives the queue process i serves (null: the default queue only).</summary>
    public static Task<WorkerProcesses> StartAsync(string database, int count, int concurrency, Func<int, string>? queueOf = null)
    {
        var next = 0;
        return LaunchAsync(count, "Ctrl+C stops it", fromStdout: false, () =>
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"));
            foreach (var arg in new[] { "worker", "--db", database, "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--no-examples" })
            {
                info.ArgumentList.Add(arg);
            }

            if (queueOf is not null)
            {
                info.ArgumentList.Add("--queue");
                info.ArgumentList.Add(queueOf(next++));
            }

            return info;
        });
    }

    /// <summary>Worker processes that claim flows and fire schedules (<see cref="ScheduleWorkerHost"/>), or only fire them.</summary>
    public static Task<WorkerProcesses> StartSchedulingAsync(string database, int count, bool fireOnly, bool profile) =>
        LaunchAsync(count, "worker ready", fromStdout: true, () =>
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "FlowMachine.Benchmarks.dll"), ScheduleWorkerHost.Mode, database, fireOnly ? "--fire-only" : "", profile ? "--profile" : "" })
            {
                if (arg.Length > 0)
                {
                    info.ArgumentList.Add(arg);
                }
            }

            // As the flowmachine tool's runtimeconfig sets it: idle pool threads do not spin.
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
            if (profile)
            {
                // perf record -p PID can then name the JIT-compiled methods (W^X off: code not in a double-mapped memfd).
                info.Environment["DOTNET_PerfMapEnabled"] = "1";
                info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
            }

            return info;
        });

    /// <summary>Processes of the capacity simulation (<see cref="SimWorkerHost"/>), <paramref name="engines"/> logical workers each.</summary>
    public static Task<WorkerProcesses> StartSimulatedAsync(string database, int count, int engines, int concurrency) =>
        LaunchAsync(count, "worker ready", fromStdout: true, () =>
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "FlowMachine.Benchmarks.dll"), SimWorkerHost.Mode, database, engines.ToString(CultureInfo.InvariantCulture), concurrency.ToString(CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
            return info;
        });

    /// <summary>
    /// Asks every simulation process for its counts (<see cref="SimWorkerHost"/>) and sums them; null when a
    /// process did not answer within 10 s.
    /// </summary>
    public async Task<long[]?> AskCountsAsync()
    {
        while (Profile.TryDequeue(out _))
        {
        }

        foreach (var p in processes)
        {
            await p.StandardInput.WriteLineAsync("stats");
            await p.StandardInput.FlushAsync();
        }

        var answers = new List<long[]>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (answers.Count < processes.Count && DateTime.UtcNow < deadline)
        {
            if (Profile.TryDequeue(out var line) && line.Line.StartsWith("profile stats ", StringComparison.Ordinal))
            {
                answers.Add([.. line.Line["profile stats ".Length..].Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture))]);
            }
            else
            {
                await Task.Delay(5);
            }
        }

        return answers.Count < processes.Count ? null : [.. Enumerable.Range(0, answers[0].Length).Select(i => answers.Sum(a => a[i]))];
    }

    private static async Task<WorkerProcesses> LaunchAsync(int count, string readyText, bool fromStdout, Func<ProcessStartInfo> start)
    {
        var workers = new WorkerProcesses();
        var ready = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var process = Process.Start(start()) ?? throw new InvalidOperationException("could not start a worker process");
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Watch(object? sender, DataReceivedEventArgs e)
            {
                if (e.Data?.Contains(readyText, StringComparison.Ordinal) == true)
                {
                    up.TrySetResult();
                }
                else if (e.Data?.StartsWith("profile ", StringComparison.Ordinal) == true)
                {
                    workers.Profile.Enqueue((process.Id, e.Data));
                }
            }

            process.ErrorDataReceived += fromStdout ? (_, _) => { } : Watch;
            process.OutputDataReceived += fromStdout ? Watch : (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            workers.processes.Add(process);
            ready.Add(up.Task);
        }

        await Task.WhenAll(ready).WaitAsync(TimeSpan.FromSeconds(60));
        return workers;
    }

    /// <summary>The <c>profile …</c> lines the workers printed (<see cref="TimedStore"/>), with the process that printed each.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(int Process, string Line)> Profile { get; } = new();

    /// <summary>The CPU time (user and system) the worker processes have spent so far.</summary>
    public TimeSpan TotalProcessorTime()
    {
        var total = TimeSpan.Zero;
        foreach (var p in processes)
        {
            p.Refresh();
            total += p.TotalProcessorTime;
        }

        return total;
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
