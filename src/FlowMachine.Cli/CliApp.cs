using System.CommandLine;
using FlowMachine.Cli.Commands;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Client;
using FlowMachine.Specs;

namespace FlowMachine.Cli;

/// <summary>
/// The <c>flowmachine</c> tool as a library call, so tests run it in-process with their own writers.
/// </summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the verb and returns the process exit code.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Where data and results go.</param>
    /// <param name="stderr">Where errors go (and progress and task logs with <c>--json</c>).</param>
    /// <param name="cancellationToken">Cancelled on Ctrl+C or SIGTERM.</param>
    /// <returns>0 done/COMPLETED, 1 usage error or invalid spec, 2 FAILED/KILLED/CANCELLED, 3 paused.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var io = new CliIO(stdout, stderr);
        var root = CommandTree.Build(io);
        var parsed = root.Parse(args);

        // Help and --version clear parse errors themselves; anything else with errors is a usage error.
        if (parsed.Errors.Count > 0 && parsed.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'flowmachine --help' (or 'flowmachine VERB --help') for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false, // our own handling below maps exceptions to exit codes
        };
        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (SpecException ex)
        {
            await SpecErrors.WriteAsync(stderr, ex.Errors).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (FlowMachineApiException ex)
        {
            await ServerErrors.WriteAsync(stderr, ex).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"error: cannot reach the FlowMachine server (--server or ${GlobalOptions.ServerVariable}): {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout: the server took the connection but did not answer.
            await stderr.WriteLineAsync("error: the FlowMachine server did not answer in time").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }
}
