namespace FlowMachine.Server.Metrics;

/// <summary>One instrument's values by label set, as the Prometheus text format needs them.</summary>
internal sealed class MetricSeries(string name, MetricKind kind, string? help, IReadOnlyList<double> buckets)
{
    /// <summary>Upper bounds of histogram buckets when the instrument advises none: durations in seconds.</summary>
    public static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    public string? Help { get; } = help;

    /// <summary>Upper bounds of the histogram's buckets (empty for other kinds).</summary>
    public IReadOnlyList<double> Buckets { get; } = buckets;

    /// <summary>Label text (<c>a="1",b="2"</c>) to its values.</summary>
    public SortedDictionary<string, MetricPoint> Points { get; } = new(StringComparer.Ordinal);
}
