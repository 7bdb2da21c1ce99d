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
        command.SetAction((parse, ct) => RunAsync(io, global.Read(parse), start.Read(parse), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliIO io, HostSettings settings, StartFlowRequest request, bool json, CancellationToken ct)
    {
        // With --json, stdout carries the document alone; everything a human reads goes to stderr.
        var human = json ? io.Err : io.Out;
        var log = new WriterTaskLog(human);
        var host = await CliHost.OpenAsync(settings, log, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var started = await host.Engine.StartAsync(request, ct).ConfigureAwait(false);
        var id = started.Flow.Id;
        if (!started.Created)
        {
            await io.Err.WriteLineAsync($"a flow with key '{started.Flow.Key}' exists already: {id}; continuing it").ConfigureAwait(false);
        }

        var view = await FlowProgress.RunAsync(host.Engine, id, human, log, () => host.Engine.RunAsync(id, waitForTimers: true, ct)).ConfigureAwait(false);
        if (json)
        {
            await JsonOutput.WriteAsync(io.Out, FlowDocuments.Flow(view)).ConfigureAwait(false);
        }

        return FlowOutcome.Report(view, human, io.Err, settings.DbArgument);
    }
}
