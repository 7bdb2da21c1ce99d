using FlowMachine.Scheduling;

namespace FlowMachine.Hosting;

/// <summary>The schedules a host declared with <c>AddSchedule</c>, created or updated at start.</summary>
internal sealed class DeclaredSchedules
{
    private readonly Dictionary<string, ScheduleDefinition> byName = new(StringComparer.Ordinal);

    public void Add(string name, ScheduleDefinition definition) => byName[name] = definition;

    public IReadOnlyCollection<KeyValuePair<string, ScheduleDefinition>> All => byName;
}
