using System.CommandLine;
using FlowMachine.Cli.Commands.Pausing;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary><c>flowmachine flows show ID</c>: the flow and a table of its steps.</summary>
internal static class FlowsShowCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The flow's id." };
        var json = JsonFlag.Create();
        var command = new Command("show", "Show a flow and its steps.") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            var flowId = parse.GetRequiredValue(id);
            var view = await FlowReads.GetAsync(global, parse, flowId, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, FlowDocument.Of(view)).ConfigureAwait(false);
            }
            else
            {
                Print(io.Out, view);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(TextWriter writer, FlowView view)
    {
        var flow = view.Flow;
        writer.WriteLine($"flow      {flow.Id}");
        Line(writer, "key", flow.Key);
        Line(writer, "label", flow.Label);
        Line(writer, "routine", flow.Routine is null ? null : $"{flow.Routine} v{flow.RoutineVersion}");
        Line(writer, "schedule", flow.Schedule is null ? null : $"{flow.Schedule}, slot {flow.Slot?.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}");
        writer.WriteLine($"state     {flow.State.ToName()}");
        Line(writer, "held", PauseCommands.Held(flow));
        writer.WriteLine($"position  {flow.Position}");
        Line(writer, "waiting", flow.WaitReason);
        Line(writer, "error", flow.Error);
        Line(writer, "deadline", flow.Deadline is { } deadline ? $"{deadline.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : null);
        Line(writer, "tags", flow.Tags.Count == 0 ? null : string.Join(", ", flow.Tags));
        Line(writer, "priority", flow.Priority == 0 ? null : flow.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line(writer, "attrs", flow.Attributes.Count == 0 ? null : string.Join(", ", flow.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")));
        Line(writer, "input", flow.Input is null ? null : JsonOutput.Compact(flow.Input));
        Line(writer, "result", flow.Result is null ? null : JsonOutput.Compact(flow.Result));
        writer.WriteLine($"created   {flow.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        writer.WriteLine($"updated   {flow.UpdatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}");

        var table = new Table().Border(TableBorder.Simple).AddColumns("#", "step", "task type", "state", "attempts", "result / error");
        foreach (var step in view.Steps)
        {
            var detail = step.State switch
            {
                StepState.Waiting => step.WaitReason ?? step.WaitEvent ?? "",
                StepState.Pending when step.WaitReason is not null => "held back: " + step.WaitReason,
                StepState.Failed => step.Error ?? "",
                StepState.Running when step.Progress is not null => "progress " + ProgressText.Describe(step.Progress),
                _ => step.Result is null ? step.Error ?? "" : JsonOutput.Compact(step.Result),
            };
            table.AddRow(step.Index.ToString(), Markup.Escape(step.Key), Markup.Escape(step.TaskType), step.State.ToName(), step.Attempts + Lost(step.Recoveries), Markup.Escape(Truncate(detail, 80)));
        }

        CliIO.ConsoleFor(writer).Write(table);
    }

    private static void Line(TextWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteLine($"{name,-9} {value}");
        }
    }

    /// <summary>", worker lost 3 times" after the attempts of a step whose worker was lost while running it; nothing otherwise.</summary>
    internal static string Lost(int recoveries) => recoveries switch
    {
        <= 0 => "",
        1 => ", worker lost once",
        var n => $", worker lost {n} times",
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
