using System.Runtime.InteropServices;

namespace FlowMachine.Cli;

/// <summary>The process entry: wires Console streams and Ctrl+C/SIGTERM to <see cref="CliApp"/>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();

        // Ctrl+C and SIGTERM ask for a graceful stop instead of killing the process mid-commit.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        return await CliApp.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
    }
}
