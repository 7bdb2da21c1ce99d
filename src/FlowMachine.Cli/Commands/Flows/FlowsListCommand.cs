using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;
using FlowMachine.Storage;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary><c>flowmachine flows list</c>: a page of flows, newest first, with the cursor of the next page.</summary>
internal static class FlowsListCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var state = new Option<string?>("--state") { Description = "Only flows in this state (PENDING, RUNNING, WAITING, SPAWNED, COMPLETED, FAILED, KILLED, CANCELLED).", HelpName = "STATE" };
        var routine = new Option<string?>("--routine") { Description = "Only flows of this stored routine.", HelpName = "NAME" };
        var schedule = new Option<string?>("--schedule") { Description = "Only flows this schedule started.", HelpName = "NAME" };
        var key = new Option<string?>("--key") { Description = "Only the flow with this key.", HelpName = "KEY" };
        var limit = new Option<int>("--limit") { Description = "How many flows per page (1-1000).", HelpName = "N", DefaultValueFactory = _ => 50 };
        var after = new Option<string?>("--after") { Description = "The cursor printed by the previous page.", HelpName = "CURSOR" };
        var json = JsonFlag.Create();
        var search = new FlowsSearchOptions();
        var command = new Command("list", "List flows, newest first.") { state, routine, schedule, key, limit, after, json };
        search.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var size = parse.GetValue(limit);
            if (size is < 1 or > 1000)
            {
                throw new UsageException($"--limit must be between 1 and 1000 (was {size}).");
            }

            var query = new FlowQuery
            {
                State = ParseState(parse.GetValue(state)),
                Routine = parse.GetValue(routine),
                Schedule = parse.GetValue(schedule),
                Key = parse.GetValue(key),
                Limit = size,
                After = parse.GetValue(after),
            };
            query = search.Apply(parse, query);
            var page = await FlowReads.ListAsync(global, parse, query, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, FlowListDocument.Of(page)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            Print(io.Out, page);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static FlowState? ParseState(string? text) =>
        text is null ? null
        : StateNames.TryParseFlowState(text, out var parsed) ? parsed
        : throw new UsageException($"--state '{text}' is not a flow state; use one of {string.Join(", ", Enum.GetValues<FlowState>().Select(s => s.ToName()))}.");

    private static void Print(TextWriter writer, FlowPage page)
    {
        if (page.Items.Count == 0)
        {
            writer.WriteLine("no flows");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("id", "state", "routine / label", "position", "updated");
        foreach (var flow in page.Items)
        {
            var name = flow.Routine is null ? flow.Label ?? "" : $"{flow.Routine} v{flow.RoutineVersion}{(flow.Label is null ? "" : $" / {flow.Label}")}";
            table.AddRow(Markup.Escape(flow.Id), Markup.Escape(flow.State.ToName()), Markup.Escape(name), flow.Position.ToString(), flow.UpdatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"));
        }

        CliIO.ConsoleFor(writer).Write(table);
        if (page.Next is not null)
        {
            writer.WriteLine($"more: flowmachine flows list --after {page.Next}");
        }
    }
}
