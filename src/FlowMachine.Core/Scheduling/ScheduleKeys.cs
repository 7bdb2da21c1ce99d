namespace FlowMachine.Scheduling;

/// <summary>The key of the flow a schedule starts for a slot: <c>schedule:NAME:SLOT</c>, the slot in ISO 8601 UTC.</summary>
public static class ScheduleKeys
{
    public static string For(string schedule, DateTimeOffset slot) => $"schedule:{schedule}:{ScheduleJson.TimeText(slot)}";
}
