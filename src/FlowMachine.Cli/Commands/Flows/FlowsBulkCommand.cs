using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary>
/// <c>flowmachine flows bulk retry|cancel|delete [filters] [--dry-run]</c>: the action on every flow the filter
/// matches, through <see cref="FlowBulk"/>. Retries and cancels are queued, then applied here unless <c>--no-run</c>.
/// </summary>
internal static class FlowsBulkCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var command = new Command("bulk", "Retry, cancel or delete every flow a filter matches.");
        foreach (var action in FlowBulk.Actions)
        {
            command.Subcommands.Add(Action(io, global, action));
        }

        return command;
    }

    private static Command Action(CliIO io, GlobalOptions global, string action)
    {
        var state = new Option<string?>("--state") { Description = "Only flows in this state.", HelpName = "STATE" };
        var routine = new Option<string?>("--routine") { Description = "Only flows of this stored routine.", HelpName = "NAME" };
        var version = new Option<string?>("--version") { Description = "Only flows of this version of the routine (needs --routine).", HelpName = "N" };
        var tag = new Option<string?>("--tag") { Description = "Only flows with this tag.", HelpName = "TAG" };
        var createdAfter = new Option<string?>("--created-after") { Description = "Only flows created at or after this time (ISO 8601, UTC unless it says).", HelpName = "TIME" };
        var createdBefore = new Option<string?>("--created-before") { Description = "Only flows created before this time (ISO 8601, UTC unless it says).", HelpName = "TIME" };
        var error = new Option<string?>("--error") { Description = "Only flows whose error holds this text (case ignored).", HelpName = "TEXT" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count the matching flows and show the first ids; change nothing." };
        var noRun = new Option<bool>("--no-run") { Description = "Only queue retries and cancels for a worker; do not apply them here." };
        var json = JsonFlag.Create();
        var command = new Command(action, $"{char.ToUpperInvariant(action[0])}{action[1..]} every flow the filter matches.")
        {
            state, routine, version, tag, createdAfter, createdBefore, error, dryRun, noRun, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Checked before the database is opened: bad input changes nothing.
            var filter = new FlowBulkFilter(
                parse.GetValue(state), parse.GetValue(routine), parse.GetValue(version), parse.GetValue(tag),
                parse.GetValue(createdAfter), parse.GetValue(createdBefore), parse.GetValue(error));
            var (query, field, message) = filter.ToQuery();
            if (field is not null)
            {
                throw FlowsSearchOptions.Refusal(field, message!);
            }

            // With --server, the server's workers apply the retries and cancels (as with --no-run here).
            var result = global.ReadServer(parse) is { } server
                ? await server.UseAsync((client, token) => client.BulkAsync(action, filter, parse.GetValue(dryRun), token), ct).ConfigureAwait(false)
                : await RunHereAsync(global.Read(parse), action, query, parse.GetValue(dryRun), parse.GetValue(noRun), ct).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, result.ToJson()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await io.Out.WriteLineAsync(result.Summary).ConfigureAwait(false);
            foreach (var id in result.DryRun ? result.FirstIds : [])
            {
                await io.Out.WriteLineAsync($"  {id}").ConfigureAwait(false);
            }

            foreach (var refusal in result.Refusals)
            {
                await io.Out.WriteLineAsync($"  refused {refusal.Id}: {refusal.Reason}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<FlowBulkResult> RunHereAsync(HostSettings settings, string action, FlowQuery query, bool dryRun, bool noRun, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);

        // Whoever may open the database is its administrator.
        var result = await host.Bulk.RunAsync(new Caller("cli", IsAdmin: true), action, query, dryRun, ct).ConfigureAwait(false);
        if (!result.DryRun && action != "delete" && !noRun)
        {
            // No worker may run against a plain file at the same time, so this process applies the commands itself.
            foreach (var id in result.DoneIds)
            {
                await host.Runner.RunAsync(id, waitForTimers: false, ct).ConfigureAwait(false);
            }
        }

        return result;
    }
}
