using System.Text.RegularExpressions;

namespace FlowMachine.Docs.Tests;

/// <summary>Finds the documents and their fenced code blocks.</summary>
internal static partial class Markdown
{
    public static string Root { get; } = typeof(Markdown).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>README.md and docs/*.md, relative to the root.</summary>
    public static IReadOnlyList<string> Documents { get; } =
        ["README.md", .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<Snippet> All { get; } = [.. Documents.SelectMany(Read)];

    public static IEnumerable<Snippet> Read(string document)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, document));
        string? skip = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = SkipMarker().Match(lines[i]);
            if (marker.Success)
            {
                skip = marker.Groups[1].Value.Trim();
                continue;
            }

            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                if (lines[i].Trim().Length > 0)
                {
                    skip = null; // a marker applies only to the block right after it
                }

                continue;
            }

            var start = i;
            var language = lines[i][3..].Trim();
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            yield return new Snippet(document, start + 1, language, string.Join('\n', body), skip);
            skip = null;
        }
    }

    [GeneratedRegex(@"^<!--\s*snippet:\s*not-compiled\s*,(.+?)-->\s*$")]
    private static partial Regex SkipMarker();
}
