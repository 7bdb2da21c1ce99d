namespace FlowMachine.Storage.InMemory;

/// <summary>Everything the in-memory store keeps for one flow. Only touched under the store's lock.</summary>
internal sealed class InMemoryFlowEntry(FlowRecord flow)
{
    public FlowRecord Flow { get; set; } = flow;

    public Dictionary<string, StepRecord> Steps { get; } = new(StringComparer.Ordinal);

    /// <summary>Kept sorted by <see cref="HistoryEvent.Seq"/>.</summary>
    public List<HistoryEvent> History { get; } = [];

    /// <summary>Unconsumed commands, in id order (ids only grow).</summary>
    public List<FlowCommand> Commands { get; } = [];

    /// <summary>Unconsumed events, in id order.</summary>
    public List<FlowEvent> Events { get; } = [];

    /// <summary>The steps' progress by step key (kept apart from the step records, which commits replace); null until a report.</summary>
    public Dictionary<string, (System.Text.Json.Nodes.JsonNode Progress, DateTimeOffset At)>? Progress { get; set; }

    /// <summary>The flow's waits for an event by key, by step key.</summary>
    public Dictionary<string, KeyedWait> KeyedWaits { get; } = new(StringComparer.Ordinal);

    /// <summary>The key under which the flow sits in the ready or leased index, if any.</summary>
    public (long Ticks, string Id)? IndexKey { get; set; }

    /// <summary>True when <see cref="IndexKey"/> is in the leased index rather than the ready index.</summary>
    public bool InLeasedIndex { get; set; }

    public long LastSeq => History.Count == 0 ? 0 : History[^1].Seq;
}
