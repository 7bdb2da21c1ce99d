using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowMachine.Benchmarks;

/// <summary>
/// The benchmark process's garbage collections over a stretch of a run (counts by generation and the time the
/// runtime was paused for them) and the methods the JIT compiled meanwhile, so a latency tail can be told apart from a collection's pause.
/// </summary>
internal sealed class GcWindow
{
    private readonly int gen0 = GC.CollectionCount(0);
    private readonly int gen1 = GC.CollectionCount(1);
    private readonly int gen2 = GC.CollectionCount(2);
    private readonly TimeSpan paused = GC.GetTotalPauseDuration();
    private readonly long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();

    /// <summary>Prints what was collected since this window opened and returns it as JSON.</summary>
    public JsonObject Report(string title)
    {
        var (g0, g1, g2) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        var pause = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  GC during {title}: gen0 {g0}, gen1 {g1}, gen2 {g2}, paused {pause:0.0} ms in all; {compiled} methods compiled"));
        return new JsonObject { ["gen0"] = g0, ["gen1"] = g1, ["gen2"] = g2, ["pause_ms"] = Math.Round(pause, 1), ["methods_compiled"] = compiled };
    }
}
