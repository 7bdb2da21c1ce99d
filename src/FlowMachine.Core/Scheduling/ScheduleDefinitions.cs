using System.Collections.Concurrent;

namespace FlowMachine.Scheduling;

/// <summary>
/// Stored definitions, each read once: a worker reads every schedule's definition at every slot, and
/// schedules number in the tens of thousands. A stored definition was checked when it was saved; here it is
/// only parsed.
/// </summary>
internal sealed class ScheduleDefinitions
{
    private const int Capacity = 200_000;
    private readonly ConcurrentDictionary<string, (ScheduleDefinition Definition, ScheduleTimes Times)?> read = new(StringComparer.Ordinal);
    private int count;

    /// <summary>The definition and its slots; null when the stored text is not a valid definition.</summary>
    public (ScheduleDefinition Definition, ScheduleTimes Times)? Get(string json)
    {
        if (read.TryGetValue(json, out var hit))
        {
            return hit;
        }

        var entry = Parse(json);
        if (Interlocked.Increment(ref count) > Capacity)
        {
            // Definitions edited many times over: start again rather than grow without bound.
            read.Clear();
            Interlocked.Exchange(ref count, 1);
        }

        read[json] = entry;
        return entry;
    }

    private static (ScheduleDefinition Definition, ScheduleTimes Times)? Parse(string json)
    {
        try
        {
            var definition = ScheduleJson.ReadStored(json);
            if (definition is null || (definition.Cron is null) == (definition.Every is null) || definition.Every is { } every && every < ScheduleRules.MinInterval)
            {
                return null;
            }

            return (definition, new ScheduleTimes(definition));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or Cronos.CronFormatException or FormatException)
        {
            return null;
        }
    }
}
