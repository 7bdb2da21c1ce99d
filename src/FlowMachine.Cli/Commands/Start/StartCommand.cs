using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Input;
using FlowMachine.Cli.Output;

namespace FlowMachine.Cli.Commands.Start;

/// <summary><c>flowmachine start SPEC|ROUTINE</c>: stores a PENDING flow for a worker and prints its id.</summary>
internal static class StartCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var start = new StartOptions();
        var json = JsonFlag.Create();
        var command = new Command("start", "Store a new flow without running it (a worker runs it); prints its id.");
        start.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var settings = global.Read(parse);
            var request = start.Read(parse);
            var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
            await using var hostScope = host.ConfigureAwait(false);
            var started = await host.Client.StartAsync(request with { Owner = await LocalOwner.ResolveAsync(host.Users, parse.GetValue(start.As), ct).ConfigureAwait(false) }, ct).ConfigureAwait(false);
            if (!started.Created)
            {
                await io.Err.WriteLineAsync($"a flow with key '{started.Flow.Key}' exists already; nothing was started").ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, new StartedFlowDocument(started.Flow, started.Created)).ConfigureAwait(false);
            }
            else
            {
                await io.Out.WriteLineAsync(started.Flow.Id).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
