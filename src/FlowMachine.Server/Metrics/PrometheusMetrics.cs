using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using FlowMachine.Diagnostics;

namespace FlowMachine.Server.Metrics;

/// <summary>
/// Listens to the <c>FlowMachine</c> meter and renders what it heard in the Prometheus text format:
/// counters as <c>_total</c>, histograms with buckets, observable gauges read at scrape time.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly Dictionary<Instrument, MetricSeries> series = [];

    public PrometheusMetrics()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FlowMachineDiagnostics.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
    }

    /// <summary>The current values as Prometheus text.</summary>
    public string Render()
    {
        listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (gate)
        {
            foreach (var s in series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                var type = s.Kind switch
                {
                    MetricKind.Histogram => "histogram",
                    MetricKind.Gauge => "gauge",
                    _ => "counter",
                };
                if (s.Help is { Length: > 0 } help)
                {
                    text.Append("# HELP ").Append(s.Name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
                }

                text.Append("# TYPE ").Append(s.Name).Append(' ').Append(type).Append('\n');
                foreach (var (labels, point) in s.Points)
                {
                    if (s.Kind == MetricKind.Histogram)
                    {
                        for (var b = 0; b < s.Buckets.Count; b++)
                        {
                            Line(text, s.Name + "_bucket", Join(labels, $"le=\"{Number(s.Buckets[b])}\""), point.BucketCounts[b]);
                        }

                        Line(text, s.Name + "_bucket", Join(labels, "le=\"+Inf\""), point.Count);
                        Line(text, s.Name + "_sum", labels, point.Value);
                        Line(text, s.Name + "_count", labels, point.Count);
                    }
                    else
                    {
                        Line(text, s.Name, labels, point.Value);
                    }
                }
            }
        }

        return text.ToString();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var number = value.ToDouble(CultureInfo.InvariantCulture);
        var labels = Labels(tags);
        lock (gate)
        {
            if (!series.TryGetValue(instrument, out var s))
            {
                var kind = KindOf(instrument);
                s = new MetricSeries(MetricName(instrument), kind, instrument.Description, kind == MetricKind.Histogram ? BucketsOf(instrument) : []);
                series.Add(instrument, s);
            }

            if (!s.Points.TryGetValue(labels, out var point))
            {
                point = new MetricPoint(s.Buckets.Count);
                s.Points.Add(labels, point);
            }

            switch (s.Kind)
            {
                case MetricKind.Sum:
                    point.Value += number;
                    break;
                case MetricKind.ObservedSum:
                case MetricKind.Gauge:
                    point.Value = number;
                    break;
                case MetricKind.Histogram:
                    point.Value += number;
                    point.Count++;
                    for (var b = 0; b < s.Buckets.Count; b++)
                    {
                        if (number <= s.Buckets[b])
                        {
                            point.BucketCounts[b]++;
                        }
                    }

                    break;
            }
        }
    }

    private static MetricKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition == typeof(Histogram<>) ? MetricKind.Histogram
            : definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>) ? MetricKind.Sum
            : definition == typeof(ObservableCounter<>) || definition == typeof(ObservableUpDownCounter<>) ? MetricKind.ObservedSum
            : MetricKind.Gauge;
    }

    /// <summary>The bucket bounds the instrument advises (the OpenTelemetry SDK honours the same advice), else durations in seconds.</summary>
    private static double[] BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        _ => MetricSeries.DefaultBuckets,
    };

    /// <summary>
    /// Names as OpenTelemetry's Prometheus mapping makes them: <c>flowmachine.steps</c> becomes <c>flowmachine_steps_total</c>,
    /// <c>flowmachine.step.duration</c> in <c>s</c> becomes <c>flowmachine_step_duration_seconds</c>; annotations (<c>{step}</c>) add nothing.
    /// </summary>
    private static string MetricName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var suffix = instrument.Unit switch
        {
            null or "" or "1" => null,
            "s" => "seconds",
            "By" => "bytes",
            var unit when unit.StartsWith('{') => null,
            var unit => Sanitize(unit),
        };
        if (suffix is not null)
        {
            name += "_" + suffix;
        }

        return KindOf(instrument) is MetricKind.Sum or MetricKind.ObservedSum && instrument is not UpDownCounter<long> and not UpDownCounter<double> ? name + "_total" : name;
    }

    private static string Sanitize(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return new string(chars);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            value = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            pairs.Add($"{Sanitize(tag.Key)}=\"{value}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static void Line(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => listener.Dispose();
}
