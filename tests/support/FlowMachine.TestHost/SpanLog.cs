using System.Globalization;

namespace FlowMachine.TestHost;

/// <summary>
/// When each execution of a limited task ran, as the task measured it: one file per worker process in the folder
/// named by FLOWMACHINE_SPANS, a line <c>S flow step ticks</c> as it starts and <c>E flow step ticks</c> as it ends
/// (UTC ticks of the machine's clock, which every process on it shares).
/// </summary>
public static class SpanLog
{
    private static readonly Lock Gate = new();

    public static void Write(char kind, TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = Environment.GetEnvironmentVariable("FLOWMACHINE_SPANS") ?? throw new InvalidOperationException("FLOWMACHINE_SPANS is not set.");
        var line = $"{kind} {context.FlowId} {context.StepKey} {DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture)}\n";
        lock (Gate)
        {
            // Each process its own file, one write per line: nothing interleaves and a kill loses no written line.
            File.AppendAllText(Path.Combine(folder, $"{Environment.ProcessId}.spans"), line);
        }
    }

    /// <summary>Every execution recorded in <paramref name="folder"/>.</summary>
    public static List<Span> Read(string folder)
    {
        var spans = new List<Span>();
        foreach (var file in Directory.GetFiles(folder, "*.spans"))
        {
            var open = new Dictionary<(string, string), DateTime>();
            foreach (var parts in File.ReadAllLines(file).Select(l => l.Split(' ')))
            {
                var at = new DateTime(long.Parse(parts[3], CultureInfo.InvariantCulture), DateTimeKind.Utc);
                if (parts[0] == "S")
                {
                    open[(parts[1], parts[2])] = at;
                }
                else if (open.Remove((parts[1], parts[2]), out var start))
                {
                    spans.Add(new Span(parts[1], parts[2], start, at));
                }
            }

            spans.AddRange(open.Select(o => new Span(o.Key.Item1, o.Key.Item2, o.Value, null)));
        }

        return spans;
    }

    /// <summary>The most executions that ran at the same moment (one that never ended runs to the end of time).</summary>
    public static int MaxOverlap(IEnumerable<Span> spans)
    {
        var edges = spans.SelectMany(s => new[] { (At: s.Start.Ticks, Delta: 1), (At: (s.End ?? DateTime.MaxValue).Ticks, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta); // an end and a start at the same tick do not overlap
        var running = 0;
        var max = 0;
        foreach (var (_, delta) in edges)
        {
            running += delta;
            max = Math.Max(max, running);
        }

        return max;
    }

    /// <summary>The most starts in any window of <paramref name="window"/> (half open: [t, t + window)).</summary>
    public static int MaxStartsIn(IEnumerable<DateTime> starts, TimeSpan window)
    {
        var sorted = starts.Order().ToList();
        var max = 0;
        var from = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            while (sorted[i] - sorted[from] >= window)
            {
                from++;
            }

            max = Math.Max(max, i - from + 1);
        }

        return max;
    }
}
