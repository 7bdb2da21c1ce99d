using System.Collections.Concurrent;

namespace FlowMachine.Scheduling;

/// <summary>Stored definitions, each read once: many schedules share a text, and a worker reads them at every slot.</summary>
internal sealed class ScheduleDefinitions
{
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<string, (ScheduleDefinition Definition, ScheduleTimes Times)> read = new(StringComparer.Ordinal);

    /// <summary>The definition and its slots; null when the stored text is not a valid definition.</summary>
    public (ScheduleDefinition Definition, ScheduleTimes Times)? Get(string json)
    {
        if (read.TryGetValue(json, out var hit))
        {
            return hit;
        }

        var definition = ScheduleJson.ReadStored(json);
        if (definition is null || ScheduleRules.Check(definition).Count > 0)
        {
            return null;
        }

        if (read.Count >= Capacity)
        {
            read.Clear();
        }

        var entry = (definition, new ScheduleTimes(definition));
        read[json] = entry;
        return entry;
    }
}
