namespace FlowMachine.Server.Metrics;

/// <summary>One instrument's values by label set, as the Prometheus text format needs them.</summary>
internal sealed class MetricSeries(string name, MetricKind kind, string? help, string? unit)
{
    /// <summary>Upper bounds of histogram buckets; step durations are milliseconds.</summary>
    public static readonly double[] Buckets = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    public string? Help { get; } = help;

    public string? Unit { get; } = unit;

    /// <summary>Label text (<c>a="1",b="2"</c>) to its values.</summary>
    public SortedDictionary<string, MetricPoint> Points { get; } = new(StringComparer.Ordinal);
}
