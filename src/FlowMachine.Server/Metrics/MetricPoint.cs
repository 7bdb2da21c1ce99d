namespace FlowMachine.Server.Metrics;

/// <summary>The aggregate of one label set.</summary>
internal sealed class MetricPoint(int buckets)
{
    public double Value { get; set; }

    public long Count { get; set; }

    public long[] BucketCounts { get; } = new long[buckets];
}
