namespace FlowMachine.Specs;

/// <summary>Finds the likely intended name for a typo, so errors can say "did you mean".</summary>
internal static class Suggestions
{
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        if (typed.Length == 0 || typed.Length > 200)
        {
            return null; // long hostile strings would make the distance quadratic for nothing
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        var limit = Math.Max(2, typed.Length / 3);

        // Bounded so a hostile spec with thousands of bad references stays fast.
        foreach (var candidate in candidates.Take(500))
        {
            if (Math.Abs(candidate.Length - typed.Length) > limit || candidate.Length > 200)
            {
                continue;
            }

            var distance = Distance(typed, candidate);
            if (distance <= limit && distance <= typed.Length / 2 && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>A " Did you mean 'x'?" suffix, or empty.</summary>
    public static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } hit ? $" Did you mean '{hit}'?" : "";

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
