using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Diagnosis;
using FlowMachine.Scheduling;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary><c>flowmachine flows stuck</c>: the flows that need attention.</summary>
internal static class FlowsStuckCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var threshold = new Option<string?>("--threshold") { Description = "List due flows unclaimed for longer than this (default 5m).", HelpName = "DURATION" };
        var limit = new Option<int?>("--limit") { Description = "At most this many flows of each kind (default 100).", HelpName = "N" };
        var json = JsonFlag.Create();
        var command = new Command("stuck", "List the flows that need attention: due but unclaimed past the threshold, no live worker can run them, under an expired lease, or a step lost its worker.")
        {
            threshold, limit, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var wait = AttentionReader.DefaultThreshold;
            if (parse.GetValue(threshold) is { } text && (!Durations.TryParse(text, out wait) || wait < TimeSpan.Zero))
            {
                throw new UsageException($"--threshold: '{text}' is not a duration; use a number with a unit, such as 30s, 5m or 1h");
            }

            if (parse.GetValue(limit) is < 1)
            {
                throw new UsageException("--limit: give 1 or more");
            }

            var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
            await using var hostScope = host.ConfigureAwait(false);
            var list = await host.Attention.ReadAsync(wait, null, parse.GetValue(limit) ?? AttentionReader.DefaultLimit, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, list).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (list.Items.Count == 0)
            {
                await io.Out.WriteLineAsync($"no flow needs attention (threshold {Durations.Format(wait)})").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("flow", "state", "reason", "since", "why");
            foreach (var item in list.Items)
            {
                table.AddRow(
                    Markup.Escape(item.FlowId),
                    item.State,
                    item.Reason,
                    FlowsWhyCommand.Time(item.Since) ?? "-",
                    Markup.Escape(item.Summary));
            }

            CliIO.ConsoleFor(io.Out).Write(table);
            await io.Out.WriteLineAsync($"{list.Items.Count} item(s); see one with `flowmachine flows why ID`").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
