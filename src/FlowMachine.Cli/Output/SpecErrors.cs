using FlowMachine.Specs;

namespace FlowMachine.Cli.Output;

/// <summary>Prints every spec error with its path, one a line.</summary>
internal static class SpecErrors
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<SpecError> errors)
    {
        await writer.WriteLineAsync(errors.Count == 1 ? "error: the spec is invalid:" : $"error: the spec is invalid ({errors.Count} problems):").ConfigureAwait(false);
        foreach (var error in errors)
        {
            await writer.WriteLineAsync($"  {error}").ConfigureAwait(false);
        }
    }
}
