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
            var server = global.ReadServer(parse);
            var request = start.Read(parse);
            var started = server is null
                ? await StartHereAsync(global.Read(parse), request, parse.GetValue(start.As), ct).ConfigureAwait(false)
                : await StartOnServerAsync(server, request, parse.GetValue(start.As), ct).ConfigureAwait(false);
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

    private static async Task<StartFlowResult> StartHereAsync(HostSettings settings, StartFlowRequest request, string? owner, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await host.Client.StartAsync(request with { Owner = await LocalOwner.ResolveAsync(host.Users, owner, ct).ConfigureAwait(false) }, ct).ConfigureAwait(false);
    }

    /// <summary>The flow belongs to the API key's user; <c>--as</c> names a database's user and has no meaning there.</summary>
    private static async Task<StartFlowResult> StartOnServerAsync(ServerTarget server, StartFlowRequest request, string? owner, CancellationToken ct)
    {
        if (owner is not null)
        {
            throw new UsageException("--as does not apply with --server: the flow belongs to the API key's user.");
        }

        return await server.UseAsync((client, token) => client.StartAsync(request, token), ct).ConfigureAwait(false);
    }
}
