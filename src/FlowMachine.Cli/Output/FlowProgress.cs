using FlowMachine.Engine;
using FlowMachine.Storage;
using Spectre.Console;

namespace FlowMachine.Cli.Output;

/// <summary>
/// Shows a flow's steps while it runs: a Spectre live table on an interactive terminal, plain lines
/// (one per finished step) everywhere else, including tests and pipes.
/// </summary>
internal static class FlowProgress
{
    public static async Task<FlowView> RunAsync(IFlowChangeFeed feed, string flowId, TextWriter writer, WriterTaskLog log, Func<Task<FlowView>> run)
    {
        if (!CliIO.IsTerminal(writer))
        {
            using var plain = new StepWatcher(feed, flowId, step =>
            {
                if (StepLine.Format(step) is { } line)
                {
                    writer.WriteLine(line);
                }
            });
            return await run().ConfigureAwait(false);
        }

        return await RunLiveAsync(feed, flowId, writer, log, run).ConfigureAwait(false);
    }

    private static async Task<FlowView> RunLiveAsync(IFlowChangeFeed feed, string flowId, TextWriter writer, WriterTaskLog log, Func<Task<FlowView>> run)
    {
        var console = CliIO.ConsoleFor(writer);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("step", "state", "attempt", "detail");
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        var gate = new Lock();
        FlowView? result = null;
        await console.Live(table).AutoClear(false).StartAsync(async context =>
        {
            // Task output is written through the live console, which redraws the table below it.
            log.Redirect = line =>
            {
                lock (gate)
                {
                    console.WriteLine(line);
                }
            };
            using var watcher = new StepWatcher(feed, flowId, step =>
            {
                lock (gate)
                {
                    var cells = new[] { Markup.Escape(step.Key), StateMarkup(step.State), step.Attempts.ToString(), Markup.Escape(Detail(step)) };
                    if (rows.TryGetValue(step.Key, out var row))
                    {
                        for (var c = 0; c < cells.Length; c++)
                        {
                            table.UpdateCell(row, c, cells[c]);
                        }
                    }
                    else
                    {
                        rows[step.Key] = table.Rows.Count;
                        table.AddRow(cells);
                    }

                    context.Refresh();
                }
            });
            try
            {
                result = await run().ConfigureAwait(false);
            }
            finally
            {
                log.Redirect = null;
            }
        }).ConfigureAwait(false);
        return result!;
    }

    private static string Detail(StepRecord step) => step.State switch
    {
        StepState.Waiting => step.WaitReason ?? step.WaitEvent ?? "",
        _ => step.Error ?? (step.Result is null ? "" : Truncate(JsonOutput.Compact(step.Result), 60)),
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    public static string StateMarkup(StepState state) => state switch
    {
        StepState.Completed => "[green]COMPLETED[/]",
        StepState.Failed => "[red]FAILED[/]",
        StepState.Waiting => "[yellow]WAITING[/]",
        StepState.Skipped => "[grey]SKIPPED[/]",
        StepState.Running => "[blue]RUNNING[/]",
        _ => state.ToName(),
    };
}
