using FlowMachine.Scheduling;
using FlowMachine.Specs;

namespace FlowMachine.Operations;

/// <summary>The answer to a schedule verb: the schedule as it is now, what a trigger or backfill started, or what was wrong in which field.</summary>
public sealed record ScheduleResult
{
    public ScheduleOutcome Outcome { get; init; }

    /// <summary>The schedule after the verb (null when refused or deleted).</summary>
    public ScheduleDocument? Schedule { get; init; }

    /// <summary>For a trigger or backfill: what it started.</summary>
    public ScheduleStart? Started { get; init; }

    /// <summary>Each error with its field (<c>cron</c>, <c>timeZone</c>, <c>every</c>, <c>routine</c>, <c>name</c> …).</summary>
    public IReadOnlyList<SpecError> Errors { get; init; } = [];

    /// <summary>Whether the verb did what was asked.</summary>
    public bool Succeeded => Outcome is ScheduleOutcome.Ok or ScheduleOutcome.Created;

    internal static ScheduleResult Invalid(params IReadOnlyList<SpecError> errors) => new() { Outcome = ScheduleOutcome.Invalid, Errors = errors };

    internal static ScheduleResult Invalid(string field, string message) => Invalid([new SpecError(field, message)]);

    internal static ScheduleResult Of(ScheduleOutcome outcome) => new() { Outcome = outcome };
}
