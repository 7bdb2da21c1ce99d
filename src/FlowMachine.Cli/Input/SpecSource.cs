using System.Text.Json.Nodes;

namespace FlowMachine.Cli.Input;

/// <summary>Turns the SPEC argument into a start request: a spec file when one exists, else a stored routine name.</summary>
internal static class SpecSource
{
    private static readonly string[] SpecExtensions = [".json", ".yaml", ".yml"];

    /// <exception cref="UsageException">SPEC looks like a file path but no such file exists.</exception>
    public static StartFlowRequest Resolve(string spec, JsonNode? input, string? key)
    {
        if (File.Exists(spec))
        {
            return new StartFlowRequest { SpecText = File.ReadAllText(spec), Input = input, Key = key };
        }

        // A missing file would otherwise be reported as a missing routine, which misleads.
        if (spec.Contains('/', StringComparison.Ordinal) || spec.Contains('\\', StringComparison.Ordinal)
            || SpecExtensions.Any(e => spec.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            throw new UsageException($"spec file '{spec}' does not exist.");
        }

        return new StartFlowRequest { Routine = spec, Input = input, Key = key };
    }
}
