using System.Globalization;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>Schedules, the flows they start and their firings, as the core makes them: for the schedule contract and provider tests.</summary>
public static class ScheduleRows
{
    /// <summary>A schedule of <paramref name="name"/> next firing at <paramref name="nextFireAt"/>, made and changed a day before <paramref name="at"/>.</summary>
    public static ScheduleRecord Schedule(string name, DateTimeOffset? nextFireAt, DateTimeOffset at) => new()
    {
        Name = name,
        DefinitionJson = $$"""{"target":"{{name}}","every":"PT1M"}""",
        NextFireAt = nextFireAt,
        CreatedAt = at.AddDays(-1),
        UpdatedAt = at.AddDays(-1),
    };

    /// <summary>The key of a slot's flow: <c>schedule:NAME:SLOT</c>.</summary>
    public static string KeyOf(string schedule, DateTimeOffset slot) =>
        $"schedule:{schedule}:{slot.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}";

    /// <summary>The smallest flow a schedule starts for a slot: one step, one history event, keyed by the slot and due at once.</summary>
    public static NewFlow Flow(string schedule, DateTimeOffset slot, string id) => new(
        new FlowRecord
        {
            Id = id,
            Key = KeyOf(schedule, slot),
            Schedule = schedule,
            Slot = slot,
            SpecJson = "{}",
            CreatedAt = slot,
            UpdatedAt = slot,
            NextRunAt = slot,
        },
        [new StepRecord { FlowId = id, Index = 0, Key = "s0", TaskType = "noop" }],
        [new HistoryEvent(id, 1, slot, "created", null, null)]);

    /// <summary>A firing of <paramref name="flow"/>'s slot that makes it the last flow and moves the schedule a minute on.</summary>
    public static ScheduleFiring Firing(string name, string owner, NewFlow flow)
    {
        var slot = flow.Flow.Slot!.Value;
        return new()
        {
            Name = name,
            LeaseOwner = owner,
            Flows = [flow],
            NextFireAt = slot.AddMinutes(1),
            LastSlot = slot,
            LastFlowKey = flow.Flow.Key,
            Now = slot,
        };
    }
}
