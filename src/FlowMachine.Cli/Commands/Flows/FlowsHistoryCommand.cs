using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Storage;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary><c>flowmachine flows history ID</c>: every history event of a flow, in order.</summary>
internal static class FlowsHistoryCommand
{
    private const int PageSize = InputLimits.DefaultHistoryLimit;

    public static Command Create(CliIO io, GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The flow's id." };
        var json = JsonFlag.Create();
        var command = new Command("history", "Show a flow's history events.") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            var flowId = parse.GetRequiredValue(id);
            var events = await FlowReads.UseAsync(global, parse, (client, token) => ReadAllAsync(client, flowId, token), ct).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync<IReadOnlyList<HistoryDocument>>(io.Out, [.. events.Select(HistoryDocument.Of)]).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("seq", "at", "kind", "step", "detail");
            foreach (var e in events)
            {
                table.AddRow(e.Seq.ToString(), e.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff"), Markup.Escape(e.Kind), Markup.Escape(e.StepKey ?? ""), Markup.Escape(e.Detail is null ? "" : JsonOutput.Compact(e.Detail)));
            }

            CliIO.ConsoleFor(io.Out).Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<List<HistoryEvent>> ReadAllAsync(IFlowClient client, string flowId, CancellationToken ct)
    {
        if (await client.GetAsync(flowId, ct).ConfigureAwait(false) is null)
        {
            throw new UsageException($"flow {flowId} does not exist");
        }

        var events = new List<HistoryEvent>();
        while (true)
        {
            var page = await client.HistoryAsync(flowId, events.Count == 0 ? 0 : events[^1].Seq, PageSize, ct).ConfigureAwait(false);
            events.AddRange(page);
            if (page.Count < PageSize)
            {
                return events;
            }
        }
    }
}
