using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;

namespace FlowMachine.Cli.Commands.Schedules;

/// <summary><c>flowmachine schedules …</c>: cron and interval starts in the database, fired by <c>serve</c> and <c>worker</c>.</summary>
internal static class SchedulesCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var command = new Command("schedules", "Add, list, show, pause, resume, trigger, backfill and delete schedules.");
        command.Subcommands.Add(ScheduleAddCommand.Create(io, global));
        command.Subcommands.Add(ScheduleReadCommands.List(io, global));
        command.Subcommands.Add(ScheduleReadCommands.Show(io, global));
        foreach (var verb in ScheduleVerbCommands.Create(io, global))
        {
            command.Subcommands.Add(verb);
        }

        return command;
    }
}
