using Cronos;

namespace FlowMachine.Scheduling;

/// <summary>
/// The slots of one schedule: cron occurrences in its time zone (DST-correct: a local time that a spring-forward
/// day skips fires once at the shift, a time that a fall-back day repeats fires once), or whole multiples of its
/// interval, inside its start and end times.
/// </summary>
internal sealed class ScheduleTimes
{
    private readonly CronExpression? cron;
    private readonly TimeZoneInfo zone;
    private readonly TimeSpan every;
    private readonly DateTimeOffset anchor;
    private readonly DateTimeOffset? startAt;
    private readonly DateTimeOffset? endAt;

    internal ScheduleTimes(ScheduleDefinition definition)
    {
        cron = definition.Cron is { } text ? CronText.Parse(text) : null;
        zone = ScheduleZones.Find(definition.TimeZone) ?? TimeZoneInfo.Utc;
        every = definition.Every ?? TimeSpan.Zero;
        anchor = definition.StartAt ?? DateTimeOffset.UnixEpoch;
        startAt = definition.StartAt;
        endAt = definition.EndAt;
    }

    /// <summary>The first slot strictly after <paramref name="after"/>, or null when the schedule has ended by then.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (startAt is { } start && after < start)
        {
            // The start time itself may be a slot.
            after = start - TimeSpan.FromTicks(1);
        }

        DateTimeOffset? next;
        if (cron is not null)
        {
            next = cron.GetNextOccurrence(after.ToUniversalTime(), zone, inclusive: false)?.ToUniversalTime();
        }
        else
        {
            var steps = (after - anchor).Ticks / every.Ticks;
            var candidate = anchor + (every * steps);
            while (candidate <= after)
            {
                candidate += every;
            }

            next = candidate.ToUniversalTime();
        }

        return next is { } n && endAt is { } end && n > end ? null : next;
    }

    /// <summary>The slots from <paramref name="from"/> to <paramref name="to"/>, both included, at most <paramref name="max"/> + 1 of them (so a caller can tell there are more).</summary>
    public List<DateTimeOffset> Between(DateTimeOffset from, DateTimeOffset to, int max)
    {
        var slots = new List<DateTimeOffset>();
        var slot = Next(from - TimeSpan.FromTicks(1));
        while (slot is { } s && s <= to && slots.Count <= max)
        {
            slots.Add(s);
            slot = Next(s);
        }

        return slots;
    }
}
