using System.Globalization;
using System.Text;

namespace FlowMachine.Scheduling;

/// <summary>Durations as people write them: <c>90s</c>, <c>15m</c>, <c>1h</c>, <c>1h30m</c>, <c>2d</c>, <c>500ms</c>.</summary>
public static class Durations
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
        [("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)), ("h", TimeSpan.FromHours(1)), ("d", TimeSpan.FromDays(1))];

    /// <summary>Parses a duration; false when <paramref name="text"/> is not one (numbers each followed by ms, s, m, h or d).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || !long.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unit = s.AsSpan(i).StartsWith("ms") ? "ms" : i < s.Length ? s[i].ToString() : "";
            var size = Array.Find(Units, u => u.Unit == unit).Size;
            if (size == TimeSpan.Zero || number > TimeSpan.MaxValue.Ticks / size.Ticks / 2)
            {
                return false;
            }

            duration += size * number;
            i += unit.Length;
        }

        return true;
    }

    /// <summary>The shortest text for <paramref name="duration"/>: <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        var left = duration;
        for (var u = Units.Length - 1; u >= 0; u--)
        {
            var count = left.Ticks / Units[u].Size.Ticks;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(Units[u].Unit);
                left -= Units[u].Size * count;
            }
        }

        return text.Length == 0 ? "0s" : text.ToString();
    }
}
