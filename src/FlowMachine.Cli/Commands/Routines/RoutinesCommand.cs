using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Commands.Pausing;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Routines;

/// <summary><c>flowmachine routines add|list|show</c>: named, versioned specs in the database.</summary>
internal static class RoutinesCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var command = new Command("routines", "Store and read named, versioned routines.");
        command.Subcommands.Add(Add(io, global));
        command.Subcommands.Add(List(io, global));
        command.Subcommands.Add(Show(io, global));
        foreach (var verb in PauseCommands.ForRoutines(io, global))
        {
            command.Subcommands.Add(verb);
        }

        return command;
    }

    private static Command Add(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The routine's name." };
        var file = new Argument<string>("FILE") { Description = "The spec file (JSON or YAML)." };
        var json = JsonFlag.Create();
        var owner = LocalOwner.CreateOption();
        var command = new Command("add", "Validate a spec file and store it as a routine; a changed spec gets a new version.") { name, file, json, owner };
        command.SetAction(async (parse, ct) =>
        {
            var routine = parse.GetRequiredValue(name);
            if (RoutineNames.Problem(routine) is { } problem)
            {
                throw new UsageException(problem);
            }

            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                throw new UsageException($"spec file '{path}' does not exist.");
            }

            var text = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
            var (saved, changed) = await RoutineReads.SaveAsync(global, parse, routine, text, parse.GetValue(owner), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                var document = Summary(saved);
                document["changed"] = changed;
                await JsonOutput.WriteAsync(io.Out, document).ConfigureAwait(false);
            }
            else
            {
                await io.Out.WriteLineAsync($"routine {saved.Name} version {saved.Version}{(changed ? "" : " (unchanged)")}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliIO io, GlobalOptions global)
    {
        var json = JsonFlag.Create();
        var command = new Command("list", "List routines (newest version of each).") { json };
        command.SetAction(async (parse, ct) =>
        {
            var listed = await RoutineReads.ListAsync(global, parse, ct).ConfigureAwait(false);
            var routines = listed.Select(r => r.Routine).ToList();
            var paused = listed.Where(r => r.Paused is not null).ToDictionary(r => r.Routine.Name, r => r.Paused!, StringComparer.Ordinal);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, new JsonArray([.. routines.Select(r => (JsonNode)Summary(r, paused.GetValueOrDefault(r.Name)))])).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (routines.Count == 0)
            {
                await io.Out.WriteLineAsync("no routines (add one: flowmachine routines add NAME FILE)").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("name", "version", "steps", "label", "created", "paused");
            foreach (var r in routines)
            {
                var spec = SpecJson.Deserialize(r.SpecJson);
                table.AddRow(Markup.Escape(r.Name), r.Version.ToString(), spec.Tasks.Count.ToString(), Markup.Escape(spec.Label ?? ""), LocalTime(r.CreatedAt), paused.ContainsKey(r.Name) ? "yes" : "");
            }

            CliIO.ConsoleFor(io.Out).Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The routine's name." };
        var version = new Option<int?>("--version") { Description = "The version to show (default: the newest).", HelpName = "N" };
        var json = JsonFlag.Create();
        var command = new Command("show", "Show a routine's spec.") { name, version, json };
        command.SetAction(async (parse, ct) =>
        {
            var routine = parse.GetRequiredValue(name);
            var wanted = parse.GetValue(version);
            var (record, versions, paused) = await RoutineReads.ShowAsync(global, parse, routine, wanted, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                var document = Summary(record, paused);
                document["versions"] = new JsonArray([.. versions.Select(v => (JsonNode?)JsonValue.Create(v))]);
                document["spec"] = JsonNode.Parse(record.SpecJson);
                await JsonOutput.WriteAsync(io.Out, document).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await io.Out.WriteLineAsync($"routine {record.Name} version {record.Version} of {versions.Count}, created {LocalTime(record.CreatedAt)}").ConfigureAwait(false);
            if (paused is not null)
            {
                var by = paused.PausedBy is null ? "" : $" by {paused.PausedBy}";
                await io.Out.WriteLineAsync($"paused since {LocalTime(paused.PausedAt)}{by}: its flows are stored but not run (flowmachine routines resume {record.Name})").ConfigureAwait(false);
            }

            await io.Out.WriteLineAsync(SpecJson.Serialize(SpecJson.Deserialize(record.SpecJson), indented: true)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string LocalTime(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss");

    private static JsonObject Summary(RoutineRecord r) => new()
    {
        ["name"] = r.Name,
        ["version"] = r.Version,
        ["createdAt"] = r.CreatedAt,
        ["steps"] = SpecJson.Deserialize(r.SpecJson).Tasks.Count,
    };

    /// <summary>The summary of a listed or shown routine: while it is paused, <c>"paused": true</c>, <c>pausedAt</c> and <c>pausedBy</c>.</summary>
    private static JsonObject Summary(RoutineRecord r, PausedRoutine? paused)
    {
        var summary = Summary(r);
        if (paused is not null)
        {
            summary["paused"] = true;
            summary["pausedAt"] = paused.PausedAt;
            if (paused.PausedBy is not null)
            {
                summary["pausedBy"] = paused.PausedBy;
            }
        }

        return summary;
    }
}
