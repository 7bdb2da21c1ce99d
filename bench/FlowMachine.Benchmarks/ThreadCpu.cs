using System.Globalization;

namespace FlowMachine.Benchmarks;

/// <summary>
/// The process's CPU time by kind of thread (the SQLite writer and checkpointer are ".NET Long Running" threads,
/// the workers the thread pool's), its context switches and the bytes it allocated, read from /proc and the GC
/// before and after a round: where the CPU of a step goes, without a profiler attached.
/// </summary>
internal sealed class ThreadCpu
{
    private readonly Dictionary<string, double> ticks;
    private readonly long switches;
    private readonly long allocated;
    private readonly TimeSpan paused = GC.GetTotalPauseDuration();
    private readonly int collections = GC.CollectionCount(0);

    private ThreadCpu(Dictionary<string, double> ticks, long switches, long allocated) => (this.ticks, this.switches, this.allocated) = (ticks, switches, allocated);

    public static ThreadCpu Now()
    {
        var ticks = new Dictionary<string, double>(StringComparer.Ordinal);
        long switches = 0;
        if (Directory.Exists("/proc/self/task"))
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var open = stat.IndexOf('(', StringComparison.Ordinal);
                    var close = stat.LastIndexOf(')');
                    var name = Kind(stat[(open + 1)..close]);
                    if (name == "long-running")
                    {
                        // The store's writer and its checkpointer: told apart by thread id (the writer starts first).
                        name += " " + Path.GetFileName(task);
                    }

                    var fields = stat[(close + 2)..].Split(' ');
                    var jiffies = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                    ticks[name] = ticks.GetValueOrDefault(name) + jiffies;
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            switches += long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }

        return new ThreadCpu(ticks, switches, GC.GetTotalAllocatedBytes(precise: true));
    }

    /// <summary>A line: µs of CPU per step by kind of thread, context switches and bytes allocated per step since <paramref name="before"/>.</summary>
    public string Since(ThreadCpu before, int steps)
    {
        // /proc counts in clock ticks of 10 ms (USER_HZ 100); threads that ended meanwhile are lost, so the total is the process's figure.
        var parts = ticks
            .Select(p => (p.Key, Us: (p.Value - before.ticks.GetValueOrDefault(p.Key)) * 10_000 / steps))
            .Where(p => p.Us >= 0.05)
            .OrderByDescending(p => p.Us)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Us:0.0}"));
        return string.Create(CultureInfo.InvariantCulture, $"  threads (µs of CPU per step): {string.Join(", ", parts)}; {(switches - before.switches) / (double)steps:0.00} context switches and {(allocated - before.allocated) / (double)steps:0} bytes allocated per step; {collections - before.collections} collections, {(paused - before.paused).TotalMicroseconds / steps:0.0} µs of GC pause per step");
    }

    private static string Kind(string comm) =>
        comm.StartsWith(".NET TP Worker", StringComparison.Ordinal) ? "pool" :
        comm.StartsWith(".NET Long Runni", StringComparison.Ordinal) ? "long-running" :
        comm.StartsWith(".NET Tiered", StringComparison.Ordinal) ? "jit" :
        comm.StartsWith(".NET", StringComparison.Ordinal) ? "other .NET" : "main";
}
