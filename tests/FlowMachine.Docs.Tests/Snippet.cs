namespace FlowMachine.Docs.Tests;

/// <summary>One fenced code block of a markdown file.</summary>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Line">The line of the opening fence (1-based).</param>
/// <param name="Language">The fence's info string (<c>csharp</c>, <c>yaml</c>, ...), empty when none.</param>
/// <param name="Code">The block's text.</param>
/// <param name="SkipReason">The reason given by a preceding <c>&lt;!-- snippet: not-compiled, reason --&gt;</c>, or null.</param>
public sealed record Snippet(string File, int Line, string Language, string Code, string? SkipReason)
{
    public override string ToString() => $"{File}:{Line} ({Language})";
}
