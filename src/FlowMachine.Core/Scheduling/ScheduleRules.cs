using FlowMachine.Operations;
using FlowMachine.Specs;

namespace FlowMachine.Scheduling;

/// <summary>The rules a schedule's name and definition keep; every error names its field.</summary>
public static class ScheduleRules
{
    /// <summary>The shortest interval: one second.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>What a name that breaks the rule is told.</summary>
    public static readonly string NameRule = $"a schedule name has 1 to {InputLimits.MaxRoutineNameLength} letters, digits, '.', '_' and '-'";

    /// <summary>Why <paramref name="name"/> is not a schedule name, or null when it is one.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "a schedule needs a name";
        }

        return name.Length > InputLimits.MaxRoutineNameLength || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            ? NameRule
            : null;
    }

    /// <summary>What is wrong with <paramref name="definition"/> on its own (whether its routine exists is checked where the routines are).</summary>
    public static IReadOnlyList<SpecError> Check(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<SpecError>();
        if ((definition.Routine is null) == (definition.Spec is null))
        {
            errors.Add(new SpecError(definition.Routine is null ? "routine" : "spec", "give either a routine or an inline spec, not both and not neither"));
        }

        if (definition.Version is { } version && (definition.Routine is null || version < 1))
        {
            errors.Add(new SpecError("version", definition.Routine is null ? "a version pins a routine: give the routine too" : "a routine version is 1 or more"));
        }

        if ((definition.Cron is null) == (definition.Every is null))
        {
            errors.Add(new SpecError(definition.Cron is null ? "cron" : "every", "give either a cron expression or an interval (every), not both and not neither"));
        }
        else if (definition.Cron is { } cron && CronText.Problem(cron) is { } problem)
        {
            errors.Add(new SpecError("cron", problem));
        }
        else if (definition.Every is { } every && every < MinInterval)
        {
            errors.Add(new SpecError("every", $"an interval is at least 1s; {Durations.Format(every)} is shorter"));
        }

        if (ScheduleZones.Find(definition.TimeZone) is null)
        {
            errors.Add(new SpecError("timeZone", $"unknown time zone '{definition.TimeZone}'; give an IANA name such as Europe/Berlin or America/New_York"));
        }

        if (definition.StartAt is { } start && definition.EndAt is { } end && end <= start)
        {
            errors.Add(new SpecError("end", "the end time is not after the start time"));
        }

        if (definition.Catchup is { } catchup && (catchup.Window <= TimeSpan.Zero || catchup.Max < 1))
        {
            errors.Add(new SpecError("catchup", "a catch-up window is longer than 0s and its max is 1 or more"));
        }

        if (Storage.FlowTags.Combine(definition.Tags, null).Error is { } tagError)
        {
            errors.Add(new SpecError("tags", tagError));
        }

        if (definition.Priority is { } priority && Storage.FlowPriority.Error(priority) is { } priorityError)
        {
            errors.Add(new SpecError("priority", priorityError));
        }

        return errors;
    }
}
