using System.CommandLine;
using FlowMachine.Cli.Commands.Pausing;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary><c>flowmachine flows …</c>: read flows and push them on from outside.</summary>
internal static class FlowsCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var command = new Command("flows", "List, show and push on flows in the database.");
        command.Subcommands.Add(FlowsListCommand.Create(io, global));
        command.Subcommands.Add(FlowsShowCommand.Create(io, global));
        command.Subcommands.Add(FlowsHistoryCommand.Create(io, global));
        command.Subcommands.Add(FlowsWhyCommand.Create(io, global));
        command.Subcommands.Add(FlowsStuckCommand.Create(io, global));
        command.Subcommands.Add(FlowsPurgeCommand.Create(io, global));
        command.Subcommands.Add(FlowsPurgeCommand.Delete(io, global));
        command.Subcommands.Add(FlowsBulkCommand.Create(io, global));
        foreach (var verb in FlowVerbCommands.Create(io, global).Concat(PauseCommands.ForFlows(io, global)))
        {
            command.Subcommands.Add(verb);
        }
        return command;
    }
}
