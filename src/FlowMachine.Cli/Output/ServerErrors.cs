using FlowMachine.Client;
using FlowMachine.Specs;

namespace FlowMachine.Cli.Output;

/// <summary>What a server's refusal prints: one line, or an invalid spec's errors as a local spec's are printed.</summary>
internal static class ServerErrors
{
    private const string SpecField = "spec";

    public static async Task WriteAsync(TextWriter stderr, FlowMachineApiException error)
    {
        var problem = error.Problem;
        switch (error)
        {
            case FlowMachineUnauthorizedException:
                await stderr.WriteLineAsync($"error: the server refused the API key (give it with --api-key or ${Hosting.GlobalOptions.ApiKeyVariable}): {problem}").ConfigureAwait(false);
                return;
            case FlowMachineValidationException when problem.Errors.Count > 0 && problem.Errors.Keys.All(k => k == SpecField || k.StartsWith(SpecField + ".", StringComparison.Ordinal) || k.StartsWith(SpecField + "[", StringComparison.Ordinal)):
                await SpecErrors.WriteAsync(stderr, [.. problem.Errors.SelectMany(e => e.Value.Select(m => new SpecError(PathInSpec(e.Key), m)))]).ConfigureAwait(false);
                return;
            default:
                await stderr.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                return;
        }
    }

    // The API names spec errors under the request field (spec.tasks[1].task_type); a local spec's paths start at the spec.
    private static string PathInSpec(string field) =>
        field == SpecField ? "$" : field[SpecField.Length] == '.' ? field[(SpecField.Length + 1)..] : field[SpecField.Length..];
}
