namespace FlowMachine.Server.Metrics;

/// <summary>How an instrument's measurements are aggregated.</summary>
internal enum MetricKind
{
    /// <summary>Measurements are added up (counters, up-down counters).</summary>
    Sum,

    /// <summary>Observed totals replace the last one (observable counters).</summary>
    ObservedSum,

    /// <summary>The last value wins (gauges).</summary>
    Gauge,

    /// <summary>Buckets, sum and count.</summary>
    Histogram,
}
