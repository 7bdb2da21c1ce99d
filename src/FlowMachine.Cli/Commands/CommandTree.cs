using System.CommandLine;
using FlowMachine.Cli.Commands.Events;
using FlowMachine.Cli.Commands.Flows;
using FlowMachine.Cli.Commands.Hooks;
using FlowMachine.Cli.Commands.Routines;
using FlowMachine.Cli.Commands.Run;
using FlowMachine.Cli.Commands.Schedules;
using FlowMachine.Cli.Commands.Serve;
using FlowMachine.Cli.Commands.Start;
using FlowMachine.Cli.Commands.Tasks;
using FlowMachine.Cli.Commands.Users;
using FlowMachine.Cli.Commands.Worker;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;

namespace FlowMachine.Cli.Commands;

/// <summary>Builds the whole command line, bound to the writers of one invocation.</summary>
internal static class CommandTree
{
    public static RootCommand Build(CliIO io)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("flowmachine: run durable flows from the command line, on a SQLite file.");
        global.AddTo(root);
        root.Subcommands.Add(RunCommand.Create(io, global));
        root.Subcommands.Add(StartCommand.Create(io, global));
        root.Subcommands.Add(WorkerCommand.Create(io, global));
        root.Subcommands.Add(FlowsCommand.Create(io, global));
        root.Subcommands.Add(EventsCommand.Create(io, global));
        root.Subcommands.Add(HooksCommand.Create(io, global));
        root.Subcommands.Add(RoutinesCommand.Create(io, global));
        root.Subcommands.Add(SchedulesCommand.Create(io, global));
        root.Subcommands.Add(TasksCommand.Create(io, global));
        root.Subcommands.Add(Workers.WorkersCommand.Create(io, global));
        root.Subcommands.Add(ServeCommand.Create(io, global));
        root.Subcommands.Add(UsersCommand.Create(io, global));
        return root;
    }
}
