using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Examples;
using FlowMachine.Registry;
using FlowMachine.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowMachine.Cli.Commands.Serve;

/// <summary><c>flowmachine serve</c>: the REST API and a worker in one process, on the SQLite file or PostgreSQL, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public const string DefaultUrl = "http://localhost:5080";

    public static Command Create(CliIO io, GlobalOptions global)
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Where to listen (default: {DefaultUrl}); repeatable or ';'-separated. Port 0 picks a free port.",
            HelpName = "URL",
            Arity = ArgumentArity.OneOrMore,
        };
        var concurrency = new Option<int?>("--concurrency") { Description = "How many flows the worker runs at once (default: 4 × cores, at least 4).", HelpName = "N" };
        var verbose = new Option<bool>("--verbose") { Description = "Log every request and the framework's notes (default: warnings and FlowMachine's own messages only)." };
        var keep = new Option<string[]>("--keep")
        {
            Description = "How long finished flows are kept before the sweeper deletes them: STATE=DURATION or STATE=forever (default: completed=30d, failed=90d, killed=30d, cancelled=30d); repeatable.",
            HelpName = "STATE=DURATION",
            Arity = ArgumentArity.OneOrMore,
        };
        var queue = Worker.QueueOption.Create();
        var command = new Command("serve", "Run the REST API and a worker on the database until stopped (Ctrl+C or SIGTERM).") { urls, concurrency, queue, verbose, keep };
        command.SetAction(async (parse, ct) =>
        {
            var settings = global.Read(parse);
            var options = new FlowMachineServerOptions
            {
                Concurrency = parse.GetValue(concurrency),
                KeyOutput = io.Out,
                QuietLogging = !parse.GetValue(verbose),
            };
            foreach (var url in (parse.GetValue(urls) is { Length: > 0 } given ? given : [DefaultUrl]).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                options.Urls.Add(url);
            }

            foreach (var name in Worker.QueueOption.Read(parse, queue))
            {
                options.Queues.Add(name);
            }

            foreach (var period in parse.GetValue(keep) ?? [])
            {
                KeepOption.Apply(period, options.Retention);
            }

            foreach (var folder in settings.TaskFolders)
            {
                if (!Directory.Exists(folder))
                {
                    throw new UsageException($"task folder '{folder}' does not exist.");
                }

                options.TaskFolders.Add(folder);
            }

            if (options.Problems() is { Count: > 0 } problems)
            {
                throw new UsageException(string.Join(" ", problems));
            }

            // Before the server touches the database: a first start creates the admin and prints its key once.
            PortCheck.EnsureFree(options.Urls);

            // A connection string may hold a password: never echo it.
            await io.Err.WriteLineAsync($"serving {StoreChoice.Describe(settings.DbPath)}; Ctrl+C stops it").ConfigureAwait(false);
            try
            {
                var app = FlowMachineServer.Build(options, flowMachine =>
                {
                    StoreChoice.Use(flowMachine, settings.DbPath);
                    if (settings.Examples)
                    {
                        flowMachine.AddTasks(ExampleTasks.Assembly);
                    }
                });
                await using (app.ConfigureAwait(false))
                {
                    await app.StartAsync(ct).ConfigureAwait(false);
                    ServeBanner.Write(io.Err, FlowMachineServer.Addresses(app), settings.TaskFolders, app.Services.GetRequiredService<TaskRegistry>(), parse.GetValue(verbose));
                    await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // Taken between the check and the bind.
                throw PortCheck.InUse(string.Join(", ", options.Urls));
            }
            await io.Err.WriteLineAsync("server stopped").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
