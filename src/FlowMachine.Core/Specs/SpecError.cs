namespace FlowMachine.Specs;

/// <summary>One thing wrong with a spec, at a path such as <c>tasks[2].precursors[0]</c>.</summary>
/// <param name="Path">Where in the spec the problem is.</param>
/// <param name="Message">What is wrong and what to do.</param>
/// <param name="Line">The 1-based source line when known (YAML and JSON text), else null.</param>
public sealed record SpecError(string Path, string Message, int? Line = null)
{
    /// <inheritdoc/>
    public override string ToString() => Line is { } line ? $"{Path} (line {line}): {Message}" : $"{Path}: {Message}";
}
