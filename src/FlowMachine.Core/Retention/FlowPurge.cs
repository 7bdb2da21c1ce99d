using FlowMachine.Scheduling;
using FlowMachine.Storage;

namespace FlowMachine.Retention;

/// <summary>
/// A purge by hand (<c>flowmachine flows purge</c>, <c>POST /api/v1/flows/purge</c>): its filter read from the words a
/// person gives, checked the same way on every surface.
/// </summary>
public static class FlowPurge
{
    /// <summary>The filter for finished flows in <paramref name="state"/> (all four when null) that ended more than <paramref name="olderThan"/> before <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">A value does not parse; <see cref="ArgumentException.ParamName"/> is its field (state, olderThan, tag).</exception>
    public static FlowRetentionFilter Filter(string? state, string? olderThan, string? routine, string? tag, DateTimeOffset now)
    {
        var states = States(state);
        var age = olderThan is null ? (TimeSpan?)null
            : Durations.TryParse(olderThan, out var parsed) && parsed > TimeSpan.Zero ? parsed
            : throw new ArgumentException($"'{olderThan}' is not a duration; write it like 30d, 12h or 90m.", nameof(olderThan));
        if (tag is not null && FlowTags.TagError(tag) is { } badTag)
        {
            throw new ArgumentException(badTag, nameof(tag));
        }

        return new FlowRetentionFilter { States = states, FinishedBefore = now - age, Routine = routine, Tag = tag };
    }

    private static FlowState[] States(string? state)
    {
        if (state is null)
        {
            return [.. RetentionPolicy.States];
        }

        if (!StateNames.TryParseFlowState(state, out var parsed))
        {
            throw new ArgumentException($"'{state}' is not a flow state; use one of COMPLETED, FAILED, KILLED, CANCELLED.", nameof(state));
        }

        return parsed.IsTerminal()
            ? [parsed]
            : throw new ArgumentException($"{parsed.ToName()} is not a finished state: purge deletes only COMPLETED, FAILED, KILLED or CANCELLED flows.", nameof(state));
    }
}
