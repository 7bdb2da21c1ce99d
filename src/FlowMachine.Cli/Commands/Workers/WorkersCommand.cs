using System.CommandLine;
using System.Globalization;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Routing;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Workers;

/// <summary><c>flowmachine workers</c>: the workers registered in the database, each queue's depth, and what waits for a worker.</summary>
internal static class WorkersCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var json = JsonFlag.Create();
        var command = new Command("workers", "List the workers registered in the database (queues, task types, heartbeat), each queue's depth and oldest due flow, and the queues and task types no live worker serves.") { json };
        command.SetAction(async (parse, ct) =>
        {
            var (document, now) = await ReadAsync(io, global, parse, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, document).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var console = CliIO.ConsoleFor(io.Out);
            var workers = new Table().Border(TableBorder.Simple).AddColumns("worker", "host", "pid", "queues", "task types", "last heartbeat", "state");
            foreach (var w in document.Workers)
            {
                workers.AddRow(
                    Markup.Escape(w.Id),
                    Markup.Escape(w.Host),
                    w.ProcessId.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", w.Queues)),
                    w.TaskTypes.Count.ToString(CultureInfo.InvariantCulture),
                    $"{Age(now - w.HeartbeatAt)} ago",
                    w.Live ? "live" : "silent");
            }

            if (document.Workers.Count == 0)
            {
                await io.Out.WriteLineAsync("no workers registered").ConfigureAwait(false);
            }
            else
            {
                console.Write(workers);
            }

            var queues = new Table().Border(TableBorder.Simple).AddColumns("queue", "due flows", "oldest waits", "live workers", "note");
            foreach (var q in document.Queues)
            {
                queues.AddRow(
                    Markup.Escape(q.Name),
                    q.Depth.ToString(CultureInfo.InvariantCulture),
                    q.OldestAgeSeconds is { } age ? Age(TimeSpan.FromSeconds(age)) : "-",
                    q.LiveWorkers.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(Note(q)));
            }

            console.Write(queues);
            if (document.Unrouted > 0)
            {
                await io.Out.WriteLineAsync($"{document.Unrouted} due flow(s) not routed to a queue yet (any worker takes them)").ConfigureAwait(false);
            }

            foreach (var queue in document.UnservedQueues)
            {
                await io.Out.WriteLineAsync($"warning: no live worker serves queue {queue}; its flows wait (start one with `flowmachine worker --queue {queue}`)").ConfigureAwait(false);
            }

            foreach (var type in document.UnservedTaskTypes)
            {
                await io.Out.WriteLineAsync($"warning: no live worker has task type {type}; flows wait for it").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The server's workers with <c>--server</c> (ages from this machine's clock), else the database's.</summary>
    private static async Task<(WorkersDocument Document, DateTimeOffset Now)> ReadAsync(CliIO io, GlobalOptions global, ParseResult parse, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            return (await server.UseAsync((client, token) => client.GetWorkersAsync(token), ct).ConfigureAwait(false), io.Time.GetUtcNow());
        }

        var host = await CliHost.OpenAsync(global.Read(parse), FlowMachine.NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var now = host.Time.GetUtcNow();
        return (await WorkersDocument.ReadAsync(host.WorkerRegistry, now, ct).ConfigureAwait(false), now);
    }

    private static string Note(QueueDocument q) => q switch
    {
        { Waiting: true, LiveWorkers: 0 } => "waiting: no live worker serves it",
        { Waiting: true } => $"waiting: no live worker of it has {string.Join(", ", q.MissingTaskTypes)}",
        _ => "",
    };

    private static string Age(TimeSpan age) =>
        age.TotalSeconds < 90 ? $"{Math.Max(0, age.TotalSeconds):0} s" : age.TotalMinutes < 90 ? $"{age.TotalMinutes:0} min" : $"{age.TotalHours:0.#} h";
}
