using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowMachine.Benchmarks;

/// <summary>
/// Timestamps along the path of a lone flow (latency runs, one flow in flight at a time): the harness marks
/// where a flow begins and where it is seen done, <see cref="PhasedStore"/> marks the store calls between
/// (create, claim, each commit, a command). Each phase is the time from one mark to the next, named by both
/// (commit marks numbered in order), so the printout says where the milliseconds of a flow go.
/// </summary>
internal sealed class PhaseClock
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<(string Mark, long At)>> flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> calls = new(StringComparer.Ordinal);
    private Dictionary<string, long>? callsAtBegin;
    private readonly Dictionary<string, List<double>> otherCalls = new(StringComparer.Ordinal);
    private (string Mark, long At)? pending;
    private string? current;

    /// <summary>The next flow created begins with <paramref name="mark"/> at this moment (its id is not known yet).</summary>
    public void BeginNext(string mark)
    {
        lock (gate)
        {
            pending = (mark, Stopwatch.GetTimestamp());
            current = null;
            callsAtBegin = new Dictionary<string, long>(calls, StringComparer.Ordinal);
        }
    }

    /// <summary>Flow <paramref name="flowId"/> begins again with <paramref name="mark"/> now: what it did before is dropped.</summary>
    public void Begin(string flowId, string mark)
    {
        lock (gate)
        {
            flows[flowId] = [(mark, Stopwatch.GetTimestamp())];
            counts[flowId] = new Dictionary<string, int>(StringComparer.Ordinal);
            pending = null;
            current = flowId;
            callsAtBegin = new Dictionary<string, long>(calls, StringComparer.Ordinal);
        }
    }

    /// <summary>Marks the end of the flow's path; store calls made meanwhile for no flow (empty claims, due-time reads) are counted for it.</summary>
    public void End(string flowId, string mark)
    {
        lock (gate)
        {
            Add(flowId, mark, Stopwatch.GetTimestamp());
            if (callsAtBegin is { } before)
            {
                foreach (var (name, n) in calls)
                {
                    var made = n - before.GetValueOrDefault(name);
                    if (!otherCalls.TryGetValue(name, out var list))
                    {
                        otherCalls[name] = list = [];
                    }

                    list.Add(made);
                }
            }

            callsAtBegin = null;
            current = null;
        }
    }

    /// <summary>A store call for no flow of interest, counted (an empty claim, a due-time read).</summary>
    public void Count(string call)
    {
        lock (gate)
        {
            if (callsAtBegin is not null)
            {
                calls[call] = calls.GetValueOrDefault(call) + 1;
            }
        }
    }

    /// <summary>The flow was created: it takes the pending begin mark, if any.</summary>
    public void Created(string flowId, long calledAt)
    {
        lock (gate)
        {
            if (pending is { } begin)
            {
                flows[flowId] = [begin];
                counts[flowId] = new Dictionary<string, int>(StringComparer.Ordinal);
                pending = null;
                current = flowId;
            }

            if (string.Equals(current, flowId, StringComparison.Ordinal))
            {
                Add(flowId, "create call", calledAt);
                Add(flowId, "created", Stopwatch.GetTimestamp());
            }
        }
    }

    /// <summary>A store call for the flow in flight: <paramref name="call"/> started at <paramref name="calledAt"/> and returned now.</summary>
    public void Call(string flowId, string call, string returned, long calledAt)
    {
        var now = Stopwatch.GetTimestamp();
        lock (gate)
        {
            if (string.Equals(current, flowId, StringComparison.Ordinal))
            {
                var n = counts[flowId][call] = counts[flowId].GetValueOrDefault(call) + 1;
                Add(flowId, $"{call} {n} call", calledAt);
                Add(flowId, $"{returned} {n}", now);
            }
        }
    }

    private void Add(string flowId, string mark, long at)
    {
        if (flows.TryGetValue(flowId, out var list))
        {
            list.Add((mark, at));
        }
    }

    /// <summary>Prints p50/p99 per phase (in the order of the path) and returns them as JSON rows; the flows are forgotten.</summary>
    public JsonArray Report(string title)
    {
        var phases = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var order = new List<string>();
        lock (gate)
        {
            foreach (var marks in flows.Values)
            {
                // Sorted by time: a mark's return and the next call may be recorded by two threads out of order.
                marks.Sort((a, b) => a.At.CompareTo(b.At));
                for (var i = 1; i < marks.Count; i++)
                {
                    var name = $"{marks[i - 1].Mark} -> {marks[i].Mark}";
                    if (!phases.TryGetValue(name, out var list))
                    {
                        phases[name] = list = [];
                        order.Add(name);
                    }

                    list.Add(Stopwatch.GetElapsedTime(marks[i - 1].At, marks[i].At).TotalMilliseconds);
                }
            }

            flows.Clear();
            counts.Clear();
        }

        var rows = new JsonArray();
        Console.WriteLine($"{title}: phase (flows) p50 / p99 ms");
        foreach (var name in order)
        {
            var values = phases[name];
            var (p50, p99) = (Percentile(values, 50), Percentile(values, 99));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-40} ({values.Count,5}) {p50,7:0.000} / {p99,7:0.000}"));
            rows.Add(new JsonObject { ["phase"] = name, ["flows"] = values.Count, ["p50_ms"] = Math.Round(p50, 3), ["p99_ms"] = Math.Round(p99, 3) });
        }

        lock (gate)
        {
            foreach (var (name, made) in otherCalls.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  other store calls per flow: {name} {made.Average():0.00}"));
                rows.Add(new JsonObject { ["other_calls"] = name, ["per_flow"] = Math.Round(made.Average(), 3) });
            }

            otherCalls.Clear();
            calls.Clear();
        }

        return rows;
    }

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
