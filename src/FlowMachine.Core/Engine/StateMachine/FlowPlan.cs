using System.Collections.Concurrent;
using FlowMachine.Specs;

namespace FlowMachine.Engine;

/// <summary>A spec compiled for running: steps by index, precursor and successor indexes.</summary>
internal sealed class FlowPlan
{
    private static readonly ConcurrentDictionary<string, FlowPlan> Cache = new(StringComparer.Ordinal);

    private FlowPlan(FlowSpec spec)
    {
        Spec = spec;
        Steps = [.. spec.Tasks];
        IndexOf = new Dictionary<string, int>(Steps.Length, StringComparer.Ordinal);
        for (var i = 0; i < Steps.Length; i++)
        {
            IndexOf[Steps[i].Key] = i;
        }

        Precursors = new int[Steps.Length][];
        var successors = new List<int>[Steps.Length];
        for (var i = 0; i < Steps.Length; i++)
        {
            successors[i] = [];
        }

        for (var i = 0; i < Steps.Length; i++)
        {
            Precursors[i] = [.. Steps[i].Precursors.Select(p => IndexOf[p])];
            foreach (var p in Precursors[i])
            {
                successors[p].Add(i);
            }
        }

        Successors = [.. successors.Select(s => s.ToArray())];
        Sinks = [.. Enumerable.Range(0, Steps.Length).Where(i => Successors[i].Length == 0)];
        HasScheduleToStart = spec.Cfg.ScheduleToStartSeconds is not null || Steps.Any(s => s.ScheduleToStartSeconds is not null);
        HasHeartbeatTimeout = spec.Cfg.HeartbeatTimeoutSeconds is not null || Steps.Any(s => s.HeartbeatTimeoutSeconds is not null);
    }

    public FlowSpec Spec { get; }

    public StepSpec[] Steps { get; }

    public Dictionary<string, int> IndexOf { get; }

    public int[][] Precursors { get; }

    public int[][] Successors { get; }

    /// <summary>True when a step has a <c>schedule_to_start</c> (its own or the flow's).</summary>
    public bool HasScheduleToStart { get; }

    /// <summary>True when a step has a <c>heartbeat_timeout</c> (its own or the flow's): only then do attempts get a watchdog.</summary>
    public bool HasHeartbeatTimeout { get; }

    /// <summary>Steps nothing follows; their results make the flow's result.</summary>
    public int[] Sinks { get; }

    /// <summary>The plan for a stored spec; plans are shared because specs are immutable once stored.</summary>
    public static FlowPlan For(string specJson)
    {
        if (Cache.TryGetValue(specJson, out var plan))
        {
            return plan;
        }

        if (Cache.Count > 10_000)
        {
            Cache.Clear(); // inline specs are unbounded; a rebuilt plan costs little
        }

        plan = new FlowPlan(SpecJson.Deserialize(specJson));
        Cache.TryAdd(specJson, plan);
        return plan;
    }

    public static FlowPlan For(FlowSpec spec, string specJson)
    {
        if (Cache.TryGetValue(specJson, out var plan))
        {
            return plan;
        }

        plan = new FlowPlan(spec);
        Cache.TryAdd(specJson, plan);
        return plan;
    }
}
