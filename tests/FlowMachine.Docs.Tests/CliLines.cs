using System.Text.RegularExpressions;

namespace FlowMachine.Docs.Tests;

/// <summary>
/// Turns the <c>flowmachine ...</c> lines of a bash block into argument lists. Synopsis lines are
/// expanded: <c>[optional]</c> parts are included, <c>a|b</c> becomes one line per choice, and
/// <c>flowmachine flows push ID | cancel ID</c> one line per verb.
/// </summary>
internal static partial class CliLines
{
    public static IEnumerable<string[]> Expand(string line)
    {
        var text = line.Trim();
        if (text.StartsWith("$ ", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        var comment = text.IndexOf(" #", StringComparison.Ordinal);
        if (comment >= 0)
        {
            text = text[..comment];
        }

        // `dotnet run --project src/FlowMachine.Cli -- ARGS` runs the same tool.
        var viaDotnet = text.IndexOf("src/FlowMachine.Cli -- ", StringComparison.Ordinal);
        if (viaDotnet >= 0)
        {
            text = "flowmachine " + text[(viaDotnet + "src/FlowMachine.Cli -- ".Length)..];
        }

        if (!text.StartsWith("flowmachine ", StringComparison.Ordinal) && text != "flowmachine")
        {
            yield break;
        }

        var segments = text.Split(" | ");
        var first = Tokens(segments[0]);
        var prefix = first.Take(2).ToList();
        foreach (var args in Choices(first.Skip(1).ToList()))
        {
            yield return [.. args];
        }

        foreach (var segment in segments.Skip(1))
        {
            foreach (var args in Choices([.. prefix.Skip(1), .. Tokens(segment)]))
            {
                yield return [.. args];
            }
        }
    }

    private static List<string> Tokens(string segment) =>
        [.. Quoted().Matches(segment.Replace("[", " ", StringComparison.Ordinal).Replace("]", " ", StringComparison.Ordinal))
            .Select(m => m.Value.Trim('\''))
            .Where(t => t != "..." && t.Length > 0)
            .Select(Placeholder)];

    // Placeholders that must parse as numbers get a sample value; other capitals stay as text.
    private static string Placeholder(string token) => token == "N" ? "2" : token;

    private static IEnumerable<List<string>> Choices(List<string> tokens)
    {
        var at = tokens.FindIndex(t => t.Contains('|', StringComparison.Ordinal) && !t.StartsWith('{'));
        if (at < 0)
        {
            yield return tokens;
            yield break;
        }

        foreach (var choice in tokens[at].Split('|'))
        {
            foreach (var rest in Choices([.. tokens[..at], choice, .. tokens[(at + 1)..]]))
            {
                yield return rest;
            }
        }
    }

    [GeneratedRegex(@"'[^']*'|\S+")]
    private static partial Regex Quoted();
}
