using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using FlowMachine.Retention;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary>
/// <c>flowmachine flows purge</c>: deletes finished flows by hand, with their children and everything theirs,
/// in the sweeper's batches; <c>--dry-run</c> only counts them.
/// </summary>
internal static class FlowsPurgeCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var state = new Option<string?>("--state") { Description = "Only flows that ended in this state (COMPLETED, FAILED, KILLED or CANCELLED); all four by default.", HelpName = "STATE" };
        var olderThan = new Option<string?>("--older-than") { Description = "Only flows that ended longer ago than this (30d, 12h, 90m).", HelpName = "DURATION" };
        var routine = new Option<string?>("--routine") { Description = "Only flows of this stored routine.", HelpName = "NAME" };
        var tag = new Option<string?>("--tag") { Description = "Only flows with this tag.", HelpName = "TAG" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count the flows that would be deleted; delete nothing." };
        var json = JsonFlag.Create();
        var command = new Command("purge", "Delete finished flows (with their children, steps and history) now.") { state, olderThan, routine, tag, dryRun, json };
        command.SetAction(async (parse, ct) =>
        {
            // Checked before the database is opened (or the server asked): bad input changes nothing.
            var (stateText, ageText, routineName, tagged) = (parse.GetValue(state), parse.GetValue(olderThan), parse.GetValue(routine), parse.GetValue(tag));
            var filter = Filter(stateText, ageText, routineName, tagged);
            var done = global.ReadServer(parse) is { } server
                ? await server.UseAsync((client, token) => client.PurgeAsync(stateText, ageText, routineName, tagged, parse.GetValue(dryRun), token), ct).ConfigureAwait(false)
                : await PurgeHereAsync(global.Read(parse), filter, parse.GetValue(dryRun), ct).ConfigureAwait(false);
            var document = new JsonObject { ["dryRun"] = done.DryRun, ["flows"] = done.Flows };
            if (done.DryRun)
            {
                await WriteAsync(io, parse.GetValue(json), document, $"would delete {done.Flows} flow{(done.Flows == 1 ? "" : "s")} (with their children)").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var children = done.Children ?? 0;
            document["children"] = children;
            await WriteAsync(io, parse.GetValue(json), document,
                $"deleted {done.Flows} flow{(done.Flows == 1 ? "" : "s")}{(children > 0 ? $" and {children} child flow{(children == 1 ? "" : "s")}" : "")}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<FlowPurgeDocument> PurgeHereAsync(HostSettings settings, FlowRetentionFilter filter, bool dryRun, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await FlowPurgeDocument.RunAsync(host.Retention, host.Sweeper, filter, dryRun, ct).ConfigureAwait(false);
    }

    /// <summary>The filter, or the option that does not parse as a usage error.</summary>
    private static FlowRetentionFilter Filter(string? state, string? olderThan, string? routine, string? tag)
    {
        try
        {
            return FlowPurge.Filter(state, olderThan, routine, tag, TimeProvider.System.GetUtcNow());
        }
        catch (ArgumentException bad)
        {
            var message = bad.Message[..bad.Message.LastIndexOf(" (Parameter", StringComparison.Ordinal)];
            throw new UsageException(bad.ParamName switch
            {
                "tag" => $"--tag: {message}.",
                "olderThan" => $"--older-than {message}",
                _ => $"--state {message}",
            });
        }
    }

    /// <summary><c>flowmachine flows delete ID</c>: one finished flow, with its children.</summary>
    public static Command Delete(CliIO io, GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The flow's id." };
        var json = JsonFlag.Create();
        var command = new Command("delete", "Delete a finished flow for good, with its children, steps and history.") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            var flowId = parse.GetRequiredValue(id);

            // With --server, a flow that may not be deleted yet is the server's 409, printed as is.
            var outcome = global.ReadServer(parse) is { } server
                ? await server.UseAsync((client, token) => client.DeleteAsync(flowId, token), ct).ConfigureAwait(false)
                : await DeleteHereAsync(global.Read(parse), flowId, ct).ConfigureAwait(false);
            if (outcome == FlowDeleteOutcome.NotFound)
            {
                throw new UsageException($"flow {flowId} does not exist");
            }

            await WriteAsync(io, parse.GetValue(json), new JsonObject { ["id"] = flowId, ["deleted"] = true }, $"deleted flow {flowId}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<FlowDeleteOutcome> DeleteHereAsync(HostSettings settings, string flowId, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);

        // Whoever may open the database is its administrator.
        var (outcome, state) = await host.Deletion.DeleteAsync(new Caller("cli", IsAdmin: true), flowId, ct).ConfigureAwait(false);
        return outcome == FlowDeleteOutcome.NotDeletable ? throw new UsageException(FlowDeletion.Refusal(flowId, state)) : outcome;
    }

    private static Task WriteAsync(CliIO io, bool json, JsonObject document, string line) =>
        json ? JsonOutput.WriteAsync(io.Out, document) : io.Out.WriteLineAsync(line);
}
