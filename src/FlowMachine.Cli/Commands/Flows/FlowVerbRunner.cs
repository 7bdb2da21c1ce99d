using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary>
/// The shared tail of push/submit/event/cancel/reset/position: queue the command through
/// <see cref="IFlowClient"/>, then (unless <c>--no-run</c>) drive the flow here and report it as <c>run</c> does.
/// A flow that ends in the state the verb asked for (CANCELLED after <c>cancel</c>) exits 0: the command succeeded.
/// </summary>
internal static class FlowVerbRunner
{
    /// <summary>
    /// With <c>--server</c> the command is queued on the server, whose workers apply it, and (unless <paramref name="noRun"/>)
    /// the flow is followed there until it settles; otherwise on the database, then run here unless <paramref name="noRun"/>.
    /// </summary>
    public static async Task<int> ApplyAsync(
        CliIO io,
        GlobalOptions global,
        ParseResult parse,
        string flowId,
        Func<IFlowClient, CancellationToken, Task<CommandResult>> command,
        bool noRun,
        bool json,
        FlowState? asked,
        CancellationToken ct)
    {
        if (global.ReadServer(parse) is not { } server)
        {
            return await ApplyAsync(io, global.Read(parse), flowId, command, noRun, json, asked, ct).ConfigureAwait(false);
        }

        var connection = server.Connect();
        await using var connectionScope = connection.ConfigureAwait(false);
        var client = connection.Client;
        var before = noRun ? null : await client.GetAsync(flowId, ct).ConfigureAwait(false);
        var result = await command(client, ct).ConfigureAwait(false);
        if (await RefusedAsync(io, flowId, result).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (noRun)
        {
            await ReportQueuedAsync(io, client, flowId, json, $"accepted: the server's workers apply it (flowmachine flows show {flowId}{server.Argument})", ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        // The server's workers apply the command; follow the flow until it settles, as a local run does.
        var human = json ? io.Err : io.Out;
        var view = await RemoteFlowProgress.FollowAsync(client, flowId, before, human, ct).ConfigureAwait(false);
        return await FinishAsync(io, view, json, asked, server.Argument).ConfigureAwait(false);
    }

    private static async Task<int> ApplyAsync(
        CliIO io,
        HostSettings settings,
        string flowId,
        Func<IFlowClient, CancellationToken, Task<CommandResult>> command,
        bool noRun,
        bool json,
        FlowState? asked,
        CancellationToken ct)
    {
        var human = json ? io.Err : io.Out;
        var log = new WriterTaskLog(human);
        var host = await CliHost.OpenAsync(settings, log, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var result = await command(host.Client, ct).ConfigureAwait(false);
        if (await RefusedAsync(io, flowId, result).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (noRun)
        {
            // Queued for whichever worker holds the file; report the flow as it stands now.
            await ReportQueuedAsync(io, host.Client, flowId, json, $"accepted: flow {flowId} will apply it when a worker runs it (flowmachine worker{settings.DbArgument})", ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        // No worker may run against a plain file at the same time, so this process applies the command itself.
        var view = await FlowProgress.RunAsync(host.Changes, flowId, human, log, () => host.Runner.RunAsync(flowId, waitForTimers: true, ct)).ConfigureAwait(false);
        return await FinishAsync(io, view, json, asked, settings.DbArgument).ConfigureAwait(false);
    }

    /// <summary>The flow's document (with --json), its state line and hints; 0 when it reached the state the verb asked for.</summary>
    private static async Task<int> FinishAsync(CliIO io, FlowView view, bool json, FlowState? asked, string target)
    {
        if (json)
        {
            await JsonOutput.WriteDocumentAsync(io.Out, FlowDocument.Of(view)).ConfigureAwait(false);
        }

        var code = FlowOutcome.Report(view, json ? io.Err : io.Out, io.Err, target);
        return view.Flow.State == asked ? ExitCodes.Ok : code;
    }

    private static async Task<int?> RefusedAsync(CliIO io, string flowId, CommandResult result)
    {
        switch (result.Status)
        {
            case CommandStatus.NotFound:
                await io.Err.WriteLineAsync($"error: flow {flowId} does not exist").ConfigureAwait(false);
                return ExitCodes.Usage;
            case CommandStatus.Conflict:
                await io.Err.WriteLineAsync($"error: {result.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            default:
                return null;
        }
    }

    private static async Task ReportQueuedAsync(CliIO io, IFlowClient client, string flowId, bool json, string note, CancellationToken ct)
    {
        var current = await client.GetAsync(flowId, ct).ConfigureAwait(false);
        if (json && current is not null)
        {
            await JsonOutput.WriteDocumentAsync(io.Out, FlowDocument.Of(current)).ConfigureAwait(false);
        }

        await (json ? io.Err : io.Out).WriteLineAsync(note).ConfigureAwait(false);
    }
}
