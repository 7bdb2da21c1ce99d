namespace FlowMachine.Operations;

/// <summary>How a schedule verb ended.</summary>
public enum ScheduleOutcome
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>A new schedule was stored.</summary>
    Created,

    /// <summary>No schedule has this name.</summary>
    NotFound,

    /// <summary>Only the schedule's owner or an administrator may change it.</summary>
    Forbidden,

    /// <summary>The input is wrong; <see cref="ScheduleResult.Errors"/> names each field.</summary>
    Invalid,

    /// <summary>A schedule with this name exists.</summary>
    Conflict,

    /// <summary>Another worker held the schedule for longer than its lease; try again.</summary>
    Busy,
}
