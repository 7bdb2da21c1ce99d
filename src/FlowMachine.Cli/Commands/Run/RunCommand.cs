using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Input;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;

namespace FlowMachine.Cli.Commands.Run;

/// <summary><c>flowmachine run SPEC</c>: starts a flow and runs it here until it ends or pauses.</summary>
internal static class RunCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var start = new StartOptions();
        var json = JsonFlag.Create();
        var command = new Command("run", "Start a flow from a spec file or routine and run it in this process (delays and retries are waited for).");
        start.AddTo(command);
        command.Options.Add(json);
        command.SetAction((parse, ct) => RunAsync(io, global.Read(parse), start.Read(parse), parse.GetValue(start.As), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliIO io, HostSettings settings, StartFlowRequest request, string? owner, bool json, CancellationToken ct)
    {
        // With --json, stdout carries the document alone; everything a human reads goes to stderr.
        var human = json ? io.Err : io.Out;
        var log = new WriterTaskLog(human);
        var host = await CliHost.OpenAsync(settings, log, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var started = await host.Client.StartAsync(request with { Owner = await LocalOwner.ResolveAsync(host.Users, owner, ct).ConfigureAwait(false) }, ct).ConfigureAwait(false);
        var id = started.Flow.Id;
        if (!started.Created)
        {
            await io.Err.WriteLineAsync($"a flow with key '{started.Flow.Key}' exists already: {id}; continuing it").ConfigureAwait(false);
        }

        var view = await FlowProgress.RunAsync(host.Changes, id, human, log, () => host.Runner.RunAsync(id, waitForTimers: true, ct)).ConfigureAwait(false);
        if (json)
        {
            await JsonOutput.WriteDocumentAsync(io.Out, FlowDocument.Of(view)).ConfigureAwait(false);
        }

        return FlowOutcome.Report(view, human, io.Err, settings.DbArgument);
    }
}
