using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Scheduling;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Schedules;

/// <summary><c>flowmachine schedules list</c> and <c>schedules show NAME</c>.</summary>
internal static class ScheduleReadCommands
{
    public static Command List(CliIO io, GlobalOptions global)
    {
        var json = JsonFlag.Create();
        var command = new Command("list", "List schedules by name with their next fire time and last flow.") { json };
        command.SetAction(async (parse, ct) =>
        {
            var schedules = global.ReadServer(parse) is { } server
                ? await server.UseAsync((client, token) => client.ListSchedulesAsync(token), ct).ConfigureAwait(false)
                : await ListHereAsync(global.Read(parse), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, schedules).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (schedules.Count == 0)
            {
                await io.Out.WriteLineAsync("no schedules (add one: flowmachine schedules add NAME --routine ROUTINE --cron EXPR)").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("name", "target", "when", "next fire (UTC)", "last flow", "paused");
            foreach (var s in schedules)
            {
                var next = s.NextFireTimes.Count > 0 ? ScheduleOutput.Time(s.NextFireTimes[0]) : "";
                var last = s.LastFlowId is null ? "" : $"{s.LastFlowId} {s.LastFlowState}";
                table.AddRow(Markup.Escape(s.Name), Markup.Escape(ScheduleOutput.Target(s)), Markup.Escape(s.Description), next, Markup.Escape(last), s.Paused ? "yes" : "");
            }

            CliIO.ConsoleFor(io.Out).Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Show(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The schedule's name." };
        var json = JsonFlag.Create();
        var command = new Command("show", "Show a schedule with its next fire times and the last flow it started.") { name, json };
        command.SetAction(async (parse, ct) =>
        {
            var wanted = parse.GetRequiredValue(name);
            var schedule = (global.ReadServer(parse) is { } server
                    ? await server.UseAsync((client, token) => client.GetScheduleAsync(wanted, token), ct).ConfigureAwait(false)
                    : await GetHereAsync(global.Read(parse), wanted, ct).ConfigureAwait(false))
                ?? throw new UsageException($"schedule '{wanted}' does not exist; `flowmachine schedules list` shows the schedules");
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, schedule).ConfigureAwait(false);
            }
            else
            {
                Print(io.Out, schedule);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<IReadOnlyList<ScheduleDocument>> ListHereAsync(HostSettings settings, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await host.Schedules.ListAsync(ct).ConfigureAwait(false);
    }

    private static async Task<ScheduleDocument?> GetHereAsync(HostSettings settings, string name, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await host.Schedules.GetAsync(name, ct).ConfigureAwait(false);
    }

    private static void Print(TextWriter writer, ScheduleDocument s)
    {
        Line(writer, "schedule", s.Name);
        Line(writer, "owner", s.Owner);
        Line(writer, "target", ScheduleOutput.Target(s));
        Line(writer, "when", s.Description);
        Line(writer, "cron", s.Cron);
        Line(writer, "every", s.Every);
        Line(writer, "time zone", s.TimeZone);
        Line(writer, "overlap", s.Overlap);
        Line(writer, "catch-up", s.Catchup is null ? "the latest missed slot" : JsonOutput.Compact(s.Catchup));
        Line(writer, "input", s.Input is null ? null : JsonOutput.Compact(s.Input));
        Line(writer, "start", s.StartAt is { } start ? ScheduleOutput.Time(start) : null);
        Line(writer, "end", s.EndAt is { } end ? ScheduleOutput.Time(end) : null);
        Line(writer, "tags", s.Tags.Count > 0 ? string.Join(", ", s.Tags) : null);
        Line(writer, "priority", s.Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line(writer, "paused", s.Paused ? s.Note is null ? "yes" : $"yes: {s.Note}" : null);
        Line(writer, "note", s.Paused ? null : s.Note);
        Line(writer, "last slot", s.LastSlot is { } slot ? ScheduleOutput.Time(slot) : null);
        Line(writer, "last flow", s.LastFlowId is null ? null : $"{s.LastFlowId} {s.LastFlowState}");
        Line(writer, "buffered", s.BufferedSlot is { } buffered ? ScheduleOutput.Time(buffered) : null);
        Line(writer, "last error", s.LastError);
        if (s.NextFireTimes.Count == 0)
        {
            writer.WriteLine(s.Paused ? "next fire  none while paused (flowmachine schedules resume " + s.Name + ")" : "next fire  none: the schedule has ended");
            return;
        }

        writer.WriteLine("next fire times (UTC):");
        foreach (var time in s.NextFireTimes)
        {
            writer.WriteLine($"  {ScheduleOutput.Time(time)}");
        }
    }

    private static void Line(TextWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteLine($"{name,-10} {value}");
        }
    }
}
