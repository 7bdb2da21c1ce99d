using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using FlowMachine.Retention;
using FlowMachine.Scheduling;
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
            // Checked before the database is opened: bad input changes nothing.
            var states = ParseState(parse.GetValue(state));
            var age = ParseAge(parse.GetValue(olderThan));
            var tagged = parse.GetValue(tag);
            if (tagged is not null && FlowTags.TagError(tagged) is { } badTag)
            {
                throw new UsageException($"--tag: {badTag}.");
            }

            var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
            await using var hostScope = host.ConfigureAwait(false);
            var filter = new FlowRetentionFilter
            {
                States = states,
                FinishedBefore = age is { } a ? TimeProvider.System.GetUtcNow() - a : null,
                Routine = parse.GetValue(routine),
                Tag = tagged,
            };
            if (parse.GetValue(dryRun))
            {
                var count = await host.Retention.CountDeletableFlowsAsync(filter, ct).ConfigureAwait(false);
                await WriteAsync(io, parse.GetValue(json), new JsonObject { ["dryRun"] = true, ["flows"] = count }, $"would delete {count} flow{(count == 1 ? "" : "s")} (with their children)").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var (flows, children) = await host.Sweeper.DeleteAllAsync(filter, ct).ConfigureAwait(false);
            await host.Retention.ReclaimSpaceAsync(ct).ConfigureAwait(false);
            await WriteAsync(io, parse.GetValue(json), new JsonObject { ["dryRun"] = false, ["flows"] = flows, ["children"] = children },
                $"deleted {flows} flow{(flows == 1 ? "" : "s")}{(children > 0 ? $" and {children} child flow{(children == 1 ? "" : "s")}" : "")}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
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

    private static FlowState[] ParseState(string? text)
    {
        if (text is null)
        {
            return [.. RetentionPolicy.States];
        }

        if (!StateNames.TryParseFlowState(text, out var parsed))
        {
            throw new UsageException($"--state '{text}' is not a flow state; use one of COMPLETED, FAILED, KILLED, CANCELLED.");
        }

        return parsed.IsTerminal()
            ? [parsed]
            : throw new UsageException($"--state {parsed.ToName()} is not a finished state: purge deletes only COMPLETED, FAILED, KILLED or CANCELLED flows.");
    }

    private static TimeSpan? ParseAge(string? text) =>
        text is null ? null
        : Durations.TryParse(text, out var age) && age > TimeSpan.Zero ? age
        : throw new UsageException($"--older-than '{text}' is not a duration; write it like 30d, 12h or 90m.");
}
