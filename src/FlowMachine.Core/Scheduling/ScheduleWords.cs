using System.Globalization;

namespace FlowMachine.Scheduling;

/// <summary>When a schedule fires, in words, for the common shapes of cron expressions (others are shown as they are).</summary>
public static class ScheduleWords
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    public static string Describe(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var words = definition.Every is { } every ? $"every {Durations.Format(every)}" : Cron(definition.Cron ?? "");
        return string.Equals(definition.TimeZone, "UTC", StringComparison.OrdinalIgnoreCase) || definition.Every is not null
            ? words
            : $"{words} ({definition.TimeZone})";
    }

    private static string Cron(string text)
    {
        var f = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length == 1)
        {
            return f[0].ToLowerInvariant() switch
            {
                "@yearly" or "@annually" => "every year on 1 January at 00:00",
                "@monthly" => "every month on day 1 at 00:00",
                "@weekly" => "every Sunday at 00:00",
                "@daily" or "@midnight" => "every day at 00:00",
                "@hourly" => "every hour at minute 0",
                "@every_minute" => "every minute",
                "@every_second" => "every second",
                _ => $"cron {text}",
            };
        }

        if (f.Length == 6)
        {
            if (f[1..].All(x => x == "*"))
            {
                return f[0] == "*" ? "every second" : Step(f[0]) is { } n ? $"every {n} seconds" : $"cron {text}";
            }

            if (f[0] != "0")
            {
                return $"cron {text}";
            }

            f = f[1..];
        }

        if (f.Length != 5)
        {
            return $"cron {text}";
        }

        var (minute, hour, dom, month, dow) = (f[0], f[1], f[2], f[3], f[4]);
        if (dom == "*" && month == "*" && dow == "*")
        {
            if (hour == "*")
            {
                return minute == "*" ? "every minute" : Step(minute) is { } n ? $"every {n} minutes" : Number(minute) is { } m ? $"every hour at minute {m}" : $"cron {text}";
            }

            if (Number(minute) is { } mm && Step(hour) is { } h)
            {
                return $"every {h} hours at minute {mm}";
            }
        }

        if (Number(minute) is not { } min || Number(hour) is not { } hr || month != "*")
        {
            return $"cron {text}";
        }

        var at = string.Create(CultureInfo.InvariantCulture, $"{hr:00}:{min:00}");
        if (dom == "*" && dow == "*")
        {
            return $"every day at {at}";
        }

        if (dom == "*" && DayNames(dow) is { } days)
        {
            return $"every {days} at {at}";
        }

        return dow == "*" && Number(dom) is { } d ? $"every month on day {d} at {at}" : $"cron {text}";
    }

    private static int? Number(string field) => int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static int? Step(string field) => field.StartsWith("*/", StringComparison.Ordinal) ? Number(field[2..]) : null;

    private static string? DayNames(string field)
    {
        if (field is "1-5" or "MON-FRI" or "mon-fri")
        {
            return "weekday (Monday to Friday)";
        }

        var names = new List<string>();
        foreach (var part in field.Split(','))
        {
            if (Number(part) is not { } n || n > 7)
            {
                return null;
            }

            names.Add(Days[n % 7]);
        }

        return string.Join(", ", names);
    }
}
