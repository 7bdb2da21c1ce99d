namespace FlowMachine.Storage;

/// <summary>
/// One schedule as stored: its definition (canonical JSON, read by the core), whether it is paused, the next
/// slot it fires and what it fired last. Stores hand out copies; changing one changes nothing stored.
/// </summary>
public sealed class ScheduleRecord
{
    /// <summary>The unique name; fired flows have the key <c>schedule:NAME:SLOT</c>.</summary>
    public required string Name { get; set; }

    public string? Owner { get; set; }

    /// <summary>The schedule's definition as canonical JSON (target, input, cron or interval, zone, policies).</summary>
    public required string DefinitionJson { get; set; }

    /// <summary>A paused schedule fires nothing; resuming it fires from the next slot on.</summary>
    public bool Paused { get; set; }

    /// <summary>Why it was paused (or any note its owner left).</summary>
    public string? Note { get; set; }

    /// <summary>The next slot (UTC) to fire; null once the schedule has ended.</summary>
    public DateTimeOffset? NextFireAt { get; set; }

    /// <summary>The slot of the last flow the schedule started.</summary>
    public DateTimeOffset? LastSlot { get; set; }

    /// <summary>The last flow the schedule started: the overlap policy looks at its state.</summary>
    public string? LastFlowId { get; set; }

    /// <summary>With the <c>buffer</c> overlap policy: the slot waiting for the previous flow to finish.</summary>
    public DateTimeOffset? BufferedSlot { get; set; }

    /// <summary>Why the last firing started nothing (an unknown routine, an invalid spec), or null.</summary>
    public string? LastError { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public ScheduleRecord Clone() => (ScheduleRecord)MemberwiseClone();
}
