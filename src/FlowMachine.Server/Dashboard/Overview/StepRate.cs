using FlowMachine.Engine;

namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>
/// Steps finished per minute over the last hour, counted in memory from the <see cref="IFlowChangeFeed"/>
/// (so it covers the workers of this process, and starts empty at each start). Counted per owner so a
/// user's chart shows only their own flows.
/// </summary>
internal sealed class StepRate : IDisposable
{
    public const int Minutes = 60;

    private readonly IDisposable subscription;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly long[] stamps = new long[Minutes];
    private readonly Dictionary<string, int>[] counts = [.. Enumerable.Range(0, Minutes).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))];

    public StepRate(IFlowChangeFeed feed, TimeProvider time)
    {
        this.time = time;
        subscription = feed.Subscribe(OnChanged);
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

    public void Dispose() => subscription.Dispose();

    private void OnChanged(FlowChange change)
    {
        var finished = change.StepsFinished;
        if (finished == 0)
        {
            return;
        }

        var minute = MinuteOf(time.GetUtcNow());
        var slot = (int)(minute % Minutes);
        var owner = change.Owner ?? string.Empty;
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
