using Cronos;

namespace FlowMachine.Scheduling;

/// <summary>Cron expressions: 5 fields, 6 with seconds first, or a macro (<c>@hourly</c>); a bad one is told which field is wrong.</summary>
internal static class CronText
{
    private static readonly string[] FiveFields = ["minute", "hour", "day of month", "month", "day of week"];
    private static readonly string[] SixFields = ["second", .. FiveFields];

    public static CronExpression Parse(string text)
    {
        var fields = Fields(text);
        return CronExpression.Parse(string.Join(' ', fields), fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>What is wrong with <paramref name="text"/>, naming the field, or null when it is a valid expression.</summary>
    public static string? Problem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "a cron expression is empty";
        }

        var fields = Fields(text);
        if (fields.Length == 1 && fields[0].StartsWith('@'))
        {
            return TryParse(fields[0], CronFormat.Standard) ? null : $"'{fields[0]}' is not a cron macro (@yearly, @monthly, @weekly, @daily, @hourly, @every_minute, @every_second)";
        }

        if (fields.Length is not (5 or 6))
        {
            return $"a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; '{text}' has {fields.Length}";
        }

        var names = fields.Length == 6 ? SixFields : FiveFields;
        var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        for (var i = 0; i < fields.Length; i++)
        {
            // Each field alone, in an expression that is otherwise all stars, tells which one is wrong.
            var probe = Enumerable.Repeat("*", fields.Length).ToArray();
            probe[i] = fields[i];

            if (!TryParse(string.Join(' ', probe), format))
            {
                return $"the {names[i]} field '{fields[i]}' of the cron expression '{text}' is not valid";
            }
        }

        return TryParse(string.Join(' ', fields), format) ? null : $"the cron expression '{text}' is not valid";
    }

    private static string[] Fields(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool TryParse(string text, CronFormat format) => CronExpression.TryParse(text, format, out _);
}
