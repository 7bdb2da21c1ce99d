namespace FlowMachine.Server.Metrics;

/// <summary>The aggregate of one label set.</summary>
internal sealed class MetricPoint
{
    public double Value { get; set; }

    public long Count { get; set; }

    public long[] BucketCounts { get; } = new long[MetricSeries.Buckets.Length];
}
