using System.Collections.Concurrent;
using FlowMachine.Registry;
using FlowMachine.Specs;

namespace FlowMachine.Engine;

/// <summary>
/// Compiles inline specs, once per text: flows are often started from the same text again and again, and
/// compiling (YAML parsing, validation) costs more than running a short flow. Only successful compiles are
/// kept; task types are only ever added to a catalog, so a spec valid once stays valid.
/// </summary>
internal sealed class InlineSpecCache(ITaskCatalog catalog, FlowEngineOptions options)
{
    private const int MaxCachedSpecs = 256;
    private const int MaxCachedSpecChars = 256 * 1024;
    private readonly ConcurrentDictionary<string, (FlowSpec Spec, string Json)> compiled = new(StringComparer.Ordinal);

    /// <summary>The compiled spec and its canonical JSON.</summary>
    /// <exception cref="SpecException">The text is not a valid spec.</exception>
    public (FlowSpec Spec, string Json) Compile(string text)
    {
        if (text.Length <= MaxCachedSpecChars && compiled.TryGetValue(text, out var hit))
        {
            return hit;
        }

        var spec = SpecCompiler.Compile(text, catalog, options.SpecLimits).GetOrThrow();
        var entry = (spec, SpecJson.Serialize(spec));
        if (text.Length <= MaxCachedSpecChars)
        {
            if (compiled.Count >= MaxCachedSpecs)
            {
                compiled.Clear(); // inline texts are unbounded in number; start over rather than grow
            }

            compiled.TryAdd(text, entry);
        }

        return entry;
    }
}
