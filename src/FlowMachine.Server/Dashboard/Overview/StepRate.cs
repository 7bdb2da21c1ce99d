using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>
/// Steps finished per minute over the last hour, counted in memory from <see cref="FlowEngine.Committed"/>
/// (so it covers the workers of this process, and starts empty at each start). Counted per owner so a
/// user's chart shows only their own flows.
/// </summary>
internal sealed class StepRate : IDisposable
{
    public const int Minutes = 60;

    private readonly FlowEngine engine;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly long[] stamps = new long[Minutes];
    private readonly Dictionary<string, int>[] counts = [.. Enumerable.Range(0, Minutes).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))];

    public StepRate(FlowEngine engine, TimeProvider time)
    {
        this.engine = engine;
        this.time = time;
        engine.Committed += OnCommitted;
    }

    /// <summary>Counts for the last <see cref="Minutes"/> minutes, oldest first; <paramref name="owner"/> null counts everyone's.</summary>
    public int[] Read(string? owner)
    {
        var now = MinuteOf(time.GetUtcNow());
        var result = new int[Minutes];
        lock (gate)
        {
            for (var i = 0; i < Minutes; i++)
            {
                var minute = now - (Minutes - 1) + i;
                var slot = (int)(minute % Minutes);
                if (stamps[slot] != minute)
                {
                    continue;
                }

                result[i] = owner is null ? counts[slot].Values.Sum() : counts[slot].GetValueOrDefault(owner);
            }
        }

        return result;
    }

    public void Dispose() => engine.Committed -= OnCommitted;

    private void OnCommitted(FlowTransition transition)
    {
        var finished = 0;
        foreach (var e in transition.History)
        {
            if (e.Kind is HistoryKinds.StepCompleted or HistoryKinds.StepFailed)
            {
                finished++;
            }
        }

        if (finished == 0)
        {
            return;
        }

        var minute = MinuteOf(time.GetUtcNow());
        var slot = (int)(minute % Minutes);
        var owner = transition.Flow.Owner ?? string.Empty;
        lock (gate)
        {
            if (stamps[slot] != minute)
            {
                stamps[slot] = minute;
                counts[slot].Clear();
            }

            counts[slot][owner] = counts[slot].GetValueOrDefault(owner) + finished;
        }
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;
}
