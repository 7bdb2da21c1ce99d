namespace FlowMachine.Scheduling;

/// <summary>How schedules are fired.</summary>
public sealed class ScheduleOptions
{
    /// <summary>A slot later than this when a worker gets to it was missed (downtime) and follows the catch-up policy; a slot less late fires. Default 60 seconds.</summary>
    public TimeSpan MisfireThreshold { get; set; } = FlowMachineDefaults.Schedules.MisfireThreshold;

    /// <summary>How long a worker holds a schedule it fires; another worker takes it over after a crash. Default 10 seconds.</summary>
    public TimeSpan LeaseDuration { get; set; } = FlowMachineDefaults.Schedules.LeaseDuration;

    /// <summary>How many due schedules one claim takes. Default 256.</summary>
    public int BatchSize { get; set; } = FlowMachineDefaults.Schedules.BatchSize;

    /// <summary>How often a worker looks for schedules changed by other processes. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = FlowMachineDefaults.Schedules.PollInterval;
}
