using System.Globalization;

namespace FlowMachine.Diagnosis;

/// <summary>Times, ages and lists as the diagnosis sentences write them.</summary>
internal static class DiagnosisText
{
    /// <summary><c>2026-01-01 12:00:00 UTC</c>.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "an unknown time";

    /// <summary><c>45 s</c>, <c>12 min</c>, <c>3.5 h</c>, <c>2.1 days</c>.</summary>
    public static string Age(TimeSpan age)
    {
        var seconds = Math.Max(0, age.TotalSeconds);
        return seconds < 90 ? $"{seconds.ToString("0", CultureInfo.InvariantCulture)} s"
            : age.TotalMinutes < 90 ? $"{age.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min"
            : age.TotalHours < 48 ? $"{age.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h"
            : $"{age.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days";
    }

    /// <summary>A shell word: quoted with single quotes unless it is plain.</summary>
    public static string Word(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/') ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary><c>a</c>, <c>a and b</c>, <c>a, b and c</c>.</summary>
    public static string And(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "nothing",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };

    public static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many}";
}
