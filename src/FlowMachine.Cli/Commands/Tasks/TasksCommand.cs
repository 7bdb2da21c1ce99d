using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Engine;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Tasks;

/// <summary><c>flowmachine tasks</c>: the task types this tool can run (built-ins, samples, plugins).</summary>
internal static class TasksCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var json = JsonFlag.Create();
        var command = new Command("tasks", "List the task types available to specs.") { json };
        command.SetAction(async (parse, ct) =>
        {
            // The catalogue needs no database; with --server it is the server's.
            var types = global.ReadServer(parse) is { } server
                ? await server.UseAsync((client, token) => client.ListTaskTypesAsync(token), ct).ConfigureAwait(false)
                : TaskTypeDocument.Of(CliHost.BuildRegistry(global.Read(parse)).All);

            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, types).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("name", "description", "params (* required)");
            foreach (var t in types)
            {
                var parameters = string.Join(", ", t.Params.Select(p => p.Required ? p.Name + "*" : p.Name));
                table.AddRow(Markup.Escape(t.Name), Markup.Escape(t.Description ?? ""), Markup.Escape(parameters));
            }

            CliIO.ConsoleFor(io.Out).Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
